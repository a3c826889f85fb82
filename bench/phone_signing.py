"""Smart-ID under load and faults, against the SK simulator, on PostgreSQL.

1. **Load**: 50 Smart-ID signatures started at once (one per protocol), the simulator
   confirming each 5 s after it started. Every GraphQL request is timed (starts, and the
   status queries the front-end sends every 0.5 s until the end) to show that none is held
   while the phones are "looked at"; the API process's RSS is read before and after each
   of two rounds (flat memory: the second round does not add to the first).
2. **Fault**: a session is started on process A and claimed by A's poller; A is killed
   (SIGKILL) before the phone confirms; process B takes the session over when A's lease
   runs out and finishes it.

Usage: ``python -m bench.phone_signing [--sessions 50] [--delay 5] [--lease 5]``. Needs
PostgreSQL (EH_TEST_POSTGRES, default postgres://postgres@127.0.0.1:5432); makes and drops a
throw-away database, starts the simulator, the TSA and two API processes on loopback, and
stops them all at the end. Prints figures; asserts only that every session completed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from app import db
from app.auth import issue_token, load_key_ring
from app.settings import Settings
from integrations.sk.simulator import running_simulator
from models.access import Viewer
from models.enums import Role, SigningSessionStatus
from models.person import RoleAssignment
from models.protocol import SigningSession
from models.workflow.protocol import create_assessment_protocol
from schema.node import to_global_id
from signing.pki import DevelopmentPki
from signing.tsa_server import free_port, running_tsa

START = """mutation($p: ID!) { protocolSigningStart(protocol: $p, method: SMART_ID) {
  verificationCode session { id status } userErrors { code } } }"""
STATUS = """query($id: String!) {
  signingSession(id: $id) { status errorCode verificationCode } }"""
PARTY = "00000000-0000-0000-0000-000000000000"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    """One `eksamihaldus serve` process on loopback."""

    def __init__(self, env: dict[str, str], name: str) -> None:
        self.port = free_port()
        self.name = name
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve"],
            env={**env, "EH_PORT": str(self.port)},
            stdout=subprocess.DEVNULL,
            stderr=open(Path(env["EH_VAR_DIR"]) / f"{name}.log", "wb"),  # noqa: SIM115
        )

    async def ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                try:
                    if (await client.get(f"{self.url}/health")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def make_protocols(count: int) -> list[tuple[str, int, int | None]]:
    """`count` held exams of one group and one committee member each (different people sign
    different exams), each group's protocol drawn up."""
    from datetime import date, timedelta

    import tests.factories
    from models.personal_code import make_personal_code
    from tests.factories import create_awarding_body
    from tests.protocol.conftest import make_held_exam

    def unique_code(serial: int | None = None, *, born: date | None = None) -> str:
        # the factories' codes repeat after 1000 people: a new birthday per thousand
        serial = next(tests.factories._serial) if serial is None else serial
        birthday = (born or date(1980, 1, 1)) + timedelta(days=serial // 1000)
        return make_personal_code(birthday, serial)

    tests.factories.personal_code = unique_code

    body = await create_awarding_body(name="Eesti Keevitajate Ühing", code="80253652")
    signers = []
    for _ in range(count):
        held = await make_held_exam(groups=1, per_group=1, awarding_body=body)
        viewer = Viewer(held.body_user.id, Role.AWARDING_BODY, body.id)
        group = held.groups[0]
        protocol = await create_assessment_protocol(viewer, group.id)
        member = held.committees[group.id][-1]
        assignment = await RoleAssignment.get(person_id=member.id, role=Role.ASSESSOR)
        signers.append(
            (to_global_id("Protocol", protocol.id), member.id, assignment.organisation_id)
        )
    return signers


class Timed:
    """A GraphQL client that keeps every request's duration."""

    def __init__(self) -> None:
        self.http = httpx.AsyncClient(timeout=60)
        self.durations: list[float] = []
        self.kinds: dict[str, list[float]] = {"start": [], "status": []}
        # From sending the start to knowing the verification code (in its answer or a status).
        self.code_known: list[float] = []

    async def query(self, url: str, token: str, query: str, variables: dict[str, Any]) -> Any:
        began = time.perf_counter()
        response = await self.http.post(
            f"{url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        took = time.perf_counter() - began
        self.durations.append(took)
        self.kinds["start" if query is START else "status"].append(took)
        body = response.json()
        if "errors" in body:
            raise RuntimeError(body["errors"])
        return body["data"]


async def sign_all(
    servers: list[Server], tokens: list[str], protocols: list[str], client: Timed
) -> tuple[float, list[str]]:
    """Start every signature at once, then poll each until it ends (every 0.5 s)."""

    async def one(i: int) -> str:
        server = servers[i % len(servers)]
        began = time.perf_counter()
        started = await client.query(server.url, tokens[i], START, {"p": protocols[i]})
        payload = started["protocolSigningStart"]
        if payload["userErrors"]:
            return payload["userErrors"][0]["code"]
        session_id = payload["session"]["id"]
        code = payload["verificationCode"]
        if code:
            client.code_known.append(time.perf_counter() - began)
        while True:
            await asyncio.sleep(0.5)
            state = await client.query(server.url, tokens[i], STATUS, {"id": session_id})
            status = state["signingSession"]["status"]
            if not code and state["signingSession"]["verificationCode"]:
                code = state["signingSession"]["verificationCode"]
                client.code_known.append(time.perf_counter() - began)
            if status not in ("PREPARING", "WAITING"):
                return str(status)

    began = time.perf_counter()
    results = await asyncio.gather(*(one(i) for i in range(len(protocols))))
    return time.perf_counter() - began, list(results)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def main(sessions: int, delay: float, lease: int) -> None:
    admin_url = os.environ.get("EH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    name = f"eh_bench_phone_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{admin_url}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    database_url = f"{admin_url}/{name}"
    var = Path(tempfile.mkdtemp(prefix="eh-bench-phone-"))
    pki = DevelopmentPki.create(var / "pki")
    try:
        with running_tsa(pki) as tsa_url, running_simulator(pki.directory) as sk:
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "EH_VAR_DIR": str(var),
                "EH_PKI_DIR": str(pki.directory),
                "EH_TSA_URL": tsa_url,
                "EH_DEMO_DATA": "false",
                "EH_JWT_PRIVATE_KEY_FILE": str(var / "jwt.pem"),
                "EH_SMART_ID_URL": f"{sk}/smart-id/v3",
                "EH_SMART_ID_RELYING_PARTY_UUID": PARTY,
                "EH_SMART_ID_RELYING_PARTY_NAME": "DEMO",
                "EH_SIGNING_LEASE_SECONDS": str(lease),
                "EH_LOG_LEVEL": "WARNING",
            }
            os.environ.update(env)
            settings = Settings.from_env()
            keys = load_key_ring(settings)
            await db.start(database_url)
            signers = await make_protocols(2 * sessions + 1)
            tokens = [
                issue_token(keys, settings, person_id=p, role=Role.ASSESSOR, organisation_id=o)
                for _, p, o in signers
            ]
            async with httpx.AsyncClient(base_url=sk) as steer:
                for person_id, _ in [(p, o) for _, p, o in signers]:
                    person = await _person(person_id)
                    # Their Smart-ID certificate exists before they sign, as in life: issued
                    # now, not by the simulator's first answer (which would rewrite the
                    # development PKI's OCSP configuration under the running servers).
                    pki.person(
                        person.personal_code, person.first_name, person.last_name, key="rsa-2048"
                    )
                    await steer.post(
                        "/_sim/accounts",
                        json={
                            "personalCode": person.personal_code,
                            "firstName": person.first_name,
                            "lastName": person.last_name,
                        },
                    )
                await steer.put("/_sim/behaviour", json={"confirm": "delay", "delaySeconds": delay})
                a, b = (
                    Server(env, "api-a"),
                    Server({**env, "EH_MIGRATE_ON_START": "false"}, "api-b"),
                )
                try:
                    await a.ready()
                    await b.ready()
                    await _load(a, b, signers[: 2 * sessions], tokens[: 2 * sessions], delay)
                    await steer.put("/_sim/behaviour", json={"confirm": "command"})
                    await _kill(a, b, signers[-1], tokens[-1], steer, lease)
                finally:
                    a.stop()
                    b.stop()
    finally:
        await db.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _person(person_id: int):  # type: ignore[no-untyped-def]
    from models.person import Person

    return await Person.get(id=person_id)


async def _load(a: Server, b: Server, signers, tokens, delay: float) -> None:  # type: ignore[no-untyped-def]
    protocols = [p for p, _, _ in signers]
    half = len(protocols) // 2
    print(
        f"== load: two rounds of {half} Smart-ID sessions at once, each confirmed {delay:g} s "
        "after it started; requests alternate between processes A and B"
    )
    for round_, (lo, hi) in enumerate(((0, half), (half, len(protocols))), start=1):
        client = Timed()
        before = rss_mib(a.process.pid), rss_mib(b.process.pid)
        took, results = await sign_all([a, b], tokens[lo:hi], protocols[lo:hi], client)
        after = rss_mib(a.process.pid), rss_mib(b.process.pid)
        await client.http.aclose()
        signed = results.count("SIGNED")
        print(
            f"round {round_}: {signed}/{len(results)} SIGNED in {took:.1f} s; "
            f"RSS A {before[0]:.0f}→{after[0]:.0f} MiB, B {before[1]:.0f}→{after[1]:.0f} MiB"
        )
        for kind, durations in client.kinds.items():
            print(
                f"  {kind}: {len(durations)} requests, median {_ms(statistics.median(durations))}, "
                f"p95 {_ms(percentile(durations, 0.95))}, max {_ms(max(durations))}, "
                f"over 1 s: {sum(d > 1 for d in durations)}"
            )
        known = client.code_known
        print(
            f"  verification code known after: median {_ms(statistics.median(known))}, "
            f"p95 {_ms(percentile(known, 0.95))}, max {_ms(max(known))} "
            "(in the start's answer or a status query, polled every 0.5 s)"
        )
        if signed != len(results):
            raise SystemExit(f"not every session was signed: {sorted(set(results))}")


async def _kill(
    a: Server, b: Server, signer, token: str, steer: httpx.AsyncClient, lease: int
) -> None:  # type: ignore[no-untyped-def]
    print(f"== fault: process A killed mid-session (lease {lease} s)")
    client = Timed()
    started = await client.query(a.url, token, START, {"p": signer[0]})
    session_key = started["protocolSigningStart"]["session"]["id"]
    owner = None
    for _ in range(400):  # prepared, then claimed by a poller
        row = await SigningSession.get(session_key=session_key)
        owner = row.lease_owner
        if row.status is SigningSessionStatus.WAITING and owner:
            break
        await asyncio.sleep(0.05)
    print(f"claimed by {'A' if owner and f':{a.process.pid}:' in owner else 'B'} ({owner})")
    a.stop(signal.SIGKILL)
    killed = time.perf_counter()
    [shown] = [s for s in (await steer.get("/_sim/sessions")).json() if not s["done"]]
    await steer.post(f"/_sim/sessions/{shown['id']}/confirm")
    while True:
        state = await client.query(b.url, token, STATUS, {"id": session_key})
        status = state["signingSession"]["status"]
        if status not in ("PREPARING", "WAITING"):
            break
        if time.perf_counter() - killed > 120:
            raise SystemExit("the session was not taken over")
        await asyncio.sleep(0.2)
    row = await SigningSession.get(session_key=session_key)
    print(
        f"after the kill: {status} through {'B' if row.lease_owner is None else row.lease_owner} "
        f"{time.perf_counter() - killed:.1f} s later"
    )
    await client.http.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--delay", type=float, default=5.0)
    parser.add_argument("--lease", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.delay, args.lease))
