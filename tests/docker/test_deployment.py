"""Several API processes and mail workers on one PostgreSQL, started as docker/compose.yaml
starts them (`eksamihaldus migrate`, `serve`, `worker` as real processes on loopback ports),
with no Docker needed.

One story, in order: a workflow driven through both API processes in turn, each change seen
through the other; a mail worker stopped while its mail is in flight; an API process stopped
while its requests are in flight; PostgreSQL going away and coming back. PostgreSQL is
reached through a TCP proxy in the test (`tests/docker/tcp_proxy.py`) rather than a
throw-away cluster stopped and started: the machine's server is shared with other tests and
must not stop, the proxy needs neither root nor initdb, a cut takes effect at once (reset
connections, refused new ones: what a process sees when the server goes), and holding the
bytes keeps requests in flight for exactly as long as the test needs, with no sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.logs import PERSONAL_CODE
from tests.conftest import POSTGRES_SERVER
from tests.docker.tcp_proxy import TcpProxy
from tests.mail.smtp import GatedHandler, free_port, smtp_server

pytestmark = pytest.mark.postgres_only

LAURA = ("49403136515", "SCHOOL")  # Tartu KHK: creates exams
TTHK = ("60001019906", "SCHOOL")  # Tallinna THK: its IT exam is sent to BCS
BCS = ("37605030299", "AWARDING_BODY")  # BCS Koolitus: returns it

_EXECUTABLE = Path(sys.executable).with_name("eksamihaldus")
EKSAMIHALDUS = [str(_EXECUTABLE)] if _EXECUTABLE.exists() else [sys.executable, "-m", "app.cli"]

EXAMS = """
query Eksamid { exams(first: 50) { totalCount edges { node {
  id status version finalCourse graduationDate
  curriculum { id } standard { id } responsible { id }
} } } }"""
EXAM = "query Eksam($id: ID!) { exam(id: $id) { status version } }"
RETURN = """
mutation Tagasta($id: ID!, $version: Int!) {
  examReturn(id: $id, version: $version, reason: "Palun täpsustage rühmade aeg.") {
    exam { status version } userErrors { code message }
  }
}"""
SUBMIT = """
mutation Saada($id: ID!, $version: Int!) {
  examSubmit(id: $id, version: $version) { exam { status version } userErrors { code message } }
}"""
CREATE = """
mutation Loo($input: ExamCreateInput!) {
  examCreate(input: $input) { exam { id status } userErrors { code message } }
}"""


async def _eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait until `check` holds, at most ~30 s (a bound, not a measurement)."""
    for _ in range(300):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting until {what}")


@dataclass
class Service:
    name: str
    process: asyncio.subprocess.Process
    err: Path
    port: int | None = None

    def log_lines(self) -> list[str]:
        return self.err.read_text().splitlines()


@dataclass
class Services:
    """The processes a test started; whatever happens, none outlives it."""

    directory: Path
    env: dict[str, str]
    started: list[Service] = field(default_factory=list)

    async def start(self, name: str, *args: str, port: int | None = None, **env: str) -> Service:
        err = self.directory / f"{name}.err"
        with (self.directory / f"{name}.out").open("wb") as out, err.open("wb") as errors:
            process = await asyncio.create_subprocess_exec(
                *EKSAMIHALDUS,
                *args,
                env={**self.env, **env},
                stdout=out,
                stderr=errors,
                start_new_session=True,  # its own group: the cleanup reaches its children
            )
        service = Service(name, process, err, port)
        self.started.append(service)
        return service

    async def run(self, *args: str) -> str:
        """Run a one-shot command to its end; its standard output."""
        process = await asyncio.create_subprocess_exec(
            *EKSAMIHALDUS,
            *args,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode == 0, err.decode()
        return out.decode()

    async def stop_nowait(self, service: Service) -> int | None:
        """SIGTERM; the exit code if it has ended already (it should not have)."""
        service.process.send_signal(signal.SIGTERM)
        return service.process.returncode

    async def stop(self, service: Service) -> int:
        """SIGTERM, then its exit code once it has shut down by itself."""
        service.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(service.process.wait(), timeout=60)

    async def close(self) -> None:
        for service in self.started:
            if service.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(service.process.pid, signal.SIGKILL)
                await service.process.wait()


@dataclass
class Api:
    http: httpx.AsyncClient
    tokens: dict[tuple[str, str], str]
    sent: Counter[int] = field(default_factory=Counter)

    async def gql(
        self, port: int, who: tuple[str, str], query: str, **variables: Any
    ) -> dict[str, Any]:
        self.sent[port] += 1
        response = await self.http.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.tokens[who]}"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    async def get(self, port: int, path: str) -> httpx.Response:
        return await self.http.get(f"http://127.0.0.1:{port}{path}")


@pytest.fixture
async def database() -> AsyncIterator[str]:
    """A throw-away database on the test PostgreSQL server: its name."""
    name = f"eh_deploy_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def proxies() -> AsyncIterator[dict[str, TcpProxy]]:
    """One proxy to PostgreSQL per API process and one for the workers."""
    server = urlsplit(POSTGRES_SERVER)
    made = {name: TcpProxy(server.hostname or "127.0.0.1", server.port or 5432) for name in "abw"}
    for proxy in made.values():
        await proxy.start()
    try:
        yield made
    finally:
        for proxy in made.values():
            await proxy.close()


async def test_two_api_processes_and_two_workers_share_one_postgresql(
    tmp_path: Path, database: str, proxies: dict[str, TcpProxy]
) -> None:
    handler = GatedHandler()
    server = urlsplit(POSTGRES_SERVER)
    direct = f"postgres://{server.netloc}/{database}"

    login = server.netloc.rpartition("@")[0]
    login = f"{login}@" if login else ""

    def through(proxy: str) -> str:
        return f"postgres://{login}127.0.0.1:{proxies[proxy].port}/{database}"

    with smtp_server(handler=handler) as (_, smtp_port):
        services = Services(
            tmp_path,
            {
                **os.environ,
                "DATABASE_URL": direct,
                "EH_JWT_PRIVATE_KEY_FILE": str(tmp_path / "keys" / "jwt.pem"),
                "EH_DEMO_DATA": "false",
                "EH_MIGRATE_ON_START": "false",
                "EH_MAIL_IN_SERVE": "false",
                "EH_LOG_FORMAT": "json",
                "EH_SMTP_HOST": "127.0.0.1",
                "EH_SMTP_PORT": str(smtp_port),
                "EH_MAIL_POLL_SECONDS": "1",
            },
        )
        http = httpx.AsyncClient(
            timeout=60, limits=httpx.Limits(max_keepalive_connections=0)
        )  # a new connection per request, as through a load balancer
        db = await asyncpg.connect(direct)
        try:
            await _story(services, http, db, handler, proxies, through)
        finally:
            handler.gate.set()
            await services.close()
            await http.aclose()
            await db.close()


async def _is_ready(api: Api, port: int) -> bool:
    try:
        return (await api.get(port, "/ready")).status_code == 200
    except httpx.TransportError:
        return False


async def _refuses_connections(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return True
    writer.close()
    return False


async def _exam(api: Api, port: int, who: tuple[str, str], exam_id: str) -> dict:  # type: ignore[type-arg]
    return (await api.gql(port, who, EXAM, id=exam_id))["exam"]


async def _return_and_submit(api: Api, body_port: int, school_port: int, exam: dict) -> dict:  # type: ignore[type-arg]
    """The awarding body returns the exam through one process, the school sends it again
    through the other, each reading the version the other process wrote."""
    returned = (await api.gql(body_port, BCS, RETURN, id=exam["id"], version=exam["version"]))[
        "examReturn"
    ]
    assert returned["userErrors"] == []
    seen = await _exam(api, school_port, TTHK, exam["id"])
    assert seen == returned["exam"] == {"status": "RETURNED", "version": exam["version"] + 1}

    submitted = (await api.gql(school_port, TTHK, SUBMIT, id=exam["id"], version=seen["version"]))[
        "examSubmit"
    ]
    assert submitted["userErrors"] == []
    seen = await _exam(api, body_port, BCS, exam["id"])
    assert seen == submitted["exam"] == {"status": "SUBMITTED", "version": exam["version"] + 2}
    return {"id": exam["id"], **seen}


def _requests_counted(metrics_text: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(metrics_text)
        for sample in family.samples
        if sample.name == "eh_graphql_requests_total"
    )


async def _story(
    services: Services,
    http: httpx.AsyncClient,
    db: asyncpg.Connection,
    handler: GatedHandler,
    proxies: dict[str, TcpProxy],
    through: Callable[[str], str],
) -> None:
    # Given: the migration service's work, then tokens signed with the one shared key
    # (three processes creating it at once), two API processes (B with two workers of its
    # own, as the image runs) and two mail workers, each reaching PostgreSQL by a proxy.
    await services.run("migrate", "--demo-data")
    people = [LAURA, TTHK, BCS]
    minted = await asyncio.gather(
        *(services.run("token", "--person", code, "--role", role) for code, role in people)
    )
    api = Api(http, {who: token.strip() for who, token in zip(people, minted, strict=True)})
    port_a, port_b = free_port(), free_port()
    a = await services.start("api-a", "serve", "--port", str(port_a), DATABASE_URL=through("a"))
    b = await services.start(
        "api-b", "serve", "--port", str(port_b), "--workers", "2", DATABASE_URL=through("b")
    )
    w1 = await services.start("worker-1", "worker", DATABASE_URL=through("w"))
    w2 = await services.start("worker-2", "worker", DATABASE_URL=through("w"))
    await _eventually(lambda: _is_ready(api, port_a), "A is ready")
    await _eventually(lambda: _is_ready(api, port_b), "B is ready")

    # When: the IT exam goes back and forth, A and B in turn.
    [exam] = [
        edge["node"]
        for edge in (await api.gql(port_b, TTHK, EXAMS))["exams"]["edges"]
        if edge["node"]["status"] == "SUBMITTED"
    ]
    exam = await _return_and_submit(api, port_a, port_b, exam)
    exam = await _return_and_submit(api, port_b, port_a, exam)

    # Then both workers hold a mail at the SMTP server; one of them is told to stop.
    await handler.wait_in_flight(2)
    assert await services.stop_nowait(w1) is None
    handler.gate.set()
    assert await asyncio.wait_for(w1.process.wait(), 60) == 0
    worker_1_log = "\n".join(w1.log_lines())
    assert "sent (attempt 1)" in worker_1_log  # it finished the mail in hand...
    assert "mail worker stopped" in worker_1_log  # ...then stopped
    mails = await db.fetchval("SELECT COUNT(*) FROM outbox_message")
    assert mails >= 4
    await handler.wait_for(mails)

    # When: A is stopped while four of its requests wait for the database, and B serves on.
    [draft, *_] = [
        edge["node"]
        for edge in (await api.gql(port_b, LAURA, EXAMS))["exams"]["edges"]
        if edge["node"]["status"] == "DRAFT"
    ]
    new_exam = {
        "curriculum": draft["curriculum"]["id"],
        "standard": draft["standard"]["id"],
        "responsible": draft["responsible"]["id"],
        "finalCourse": draft["finalCourse"],
        "graduationDate": (date.today() + timedelta(days=120)).isoformat(),  # noqa: DTZ011
        "comment": "Koormustest õäöü",
    }
    exams_before = await db.fetchval("SELECT COUNT(*) FROM exam")
    proxies["a"].hold()
    in_a = [asyncio.create_task(api.gql(port_a, LAURA, CREATE, input=new_exam)) for _ in range(4)]
    in_b = [asyncio.create_task(api.gql(port_b, LAURA, CREATE, input=new_exam)) for _ in range(4)]
    await proxies["a"].wait_held(4)
    a.process.send_signal(signal.SIGTERM)
    await _eventually(lambda: _refuses_connections(port_a), "A stops accepting connections")
    with pytest.raises(httpx.ConnectError):  # a load balancer would now send it to B
        await api.gql(port_a, LAURA, CREATE, input=new_exam)
    proxies["a"].release()

    # Then every request A had accepted completes, A exits normally, and every exam
    # created through either process is there through B.
    created = [result["examCreate"] for result in await asyncio.gather(*in_a, *in_b)]
    assert [c["userErrors"] for c in created] == [[]] * 8
    assert await asyncio.wait_for(a.process.wait(), 60) == 0
    assert "Application shutdown complete." in "\n".join(a.log_lines())
    for made in created:
        assert await _exam(api, port_b, LAURA, made["exam"]["id"]) == {
            "status": "DRAFT",
            "version": 1,
        }
    assert await db.fetchval("SELECT COUNT(*) FROM exam") == exams_before + 8

    # When: PostgreSQL goes away (for B and the remaining worker) and comes back.
    assert await _is_ready(api, port_b)
    await proxies["b"].cut()
    await proxies["w"].cut()

    async def unready() -> bool:
        response = await api.get(port_b, "/ready")
        return response.status_code == 503 and response.json()["reason"] == "database unreachable"

    await _eventually(unready, "B is not ready")
    assert (await api.get(port_b, "/health")).status_code == 503
    await proxies["b"].restore()
    await proxies["w"].restore()

    async def ready_on_every_process() -> bool:
        # Each request on a new connection, which the kernel gives to either process.
        return all([await _is_ready(api, port_b) for _ in range(6)])

    await _eventually(ready_on_every_process, "B is ready again")
    assert b.process.returncode is None  # the same processes, not restarted
    assert w2.process.returncode is None

    # Then the workflow goes on through B, and the remaining worker delivers its mail.
    exam = await _return_and_submit(api, port_b, port_b, exam)

    async def all_sent() -> bool:
        return not await db.fetchval("SELECT COUNT(*) FROM outbox_message WHERE status <> 'SENT'")

    await _eventually(all_sent, "every mail is sent")

    # Every notification was sent exactly once.
    rows = await db.fetch("SELECT message_id, status FROM outbox_message")
    assert {row["status"] for row in rows} == {"SENT"}
    received = Counter(handler.message_ids())
    assert received == Counter({row["message_id"]: 1 for row in rows})

    # B's metrics count every GraphQL request it served, whichever of its processes did.
    metrics = await api.get(port_b, "/metrics")
    assert _requests_counted(metrics.text) == api.sent[port_b]
    served_by = {
        line["pid"]
        for line in map(json.loads, b.log_lines())
        if line["logger"] == "uvicorn.access" and line.get("path") == "/graphql"
    }
    assert len(served_by) == 2

    # Everything stops cleanly, and no log line of any process holds a personal code.
    assert await services.stop(b) == 0
    assert await services.stop(w2) == 0
    for service in services.started:
        for line in service.log_lines():
            assert not PERSONAL_CODE.search(line), (service.name, line)
            assert json.loads(line)["level"], (service.name, line)
