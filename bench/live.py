"""Live updates: memory of idle subscribers and delivery latency, on one API process.

    python -m bench.live [--database-url postgres://postgres@127.0.0.1:5432/eh_bench_live]
                         [--subscribers 500] [--changes 30]

Creates the database (dropped at the end), one school with a user and two exams, and starts
the real app (`app.asgi:create_worker_app`, one uvicorn process, PostgreSQL LISTEN). Then:

1. memory: the server's resident set size (VmRSS) after one warm-up socket, and again with
   `--subscribers` sockets open, each carrying one examChanged subscription of exam A that
   has answered its first message (so every one is really live), and nothing happening;
2. latency, one watcher among the idle ones: `--changes` updates of exam B through HTTP; for
   each, the time from the event's `at` (taken inside the writing transaction, same machine
   clock) to the subscriber's receipt: commit, NOTIFY, LISTEN, the per-event checks, the send;
3. fan-out: updates of exam A, which every idle socket watches: the time from `at` until the
   last of them has received it.

It prints figures; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import websockets

from app import db
from app.auth import issue_token, load_key_ring
from app.settings import Settings
from bench.database import drop_database, recreate_database
from models.enums import ExamStatus, Role
from schema.node import to_global_id

SUBSCRIBE = "subscription ($id: ID!) { examChanged(id: $id) { kind version at } }"
UPDATE = """
mutation ($id: ID!, $version: Int!, $comment: String!) {
  examUpdate(id: $id, version: $version, input: {comment: $comment}) {
    exam { version } userErrors { code }
  }
}"""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def seed() -> tuple[int, int, int, int]:
    """A school user and two draft exams: (person, school, exam A, exam B)."""
    from tests.factories import create_exam, create_school, create_user

    school = await create_school()
    person = await create_user(Role.SCHOOL, school)
    first = await create_exam(school=school, responsible=person, status=ExamStatus.DRAFT)
    second = await create_exam(school=school, responsible=person, status=ExamStatus.DRAFT)
    return person.id, school.id, first.id, second.id


async def open_subscriber(url: str, token: str, exam: str) -> Any:
    socket = await websockets.connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    payload = {"authorization": f"Bearer {token}"}
    await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    message = {"query": SUBSCRIBE, "variables": {"id": exam}}
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": message}))
    first = json.loads(await socket.recv())
    assert first["payload"]["data"]["examChanged"]["kind"] == "current", first
    return socket


async def received_at(socket: Any) -> tuple[float, datetime]:
    message = json.loads(await socket.recv())
    change = message["payload"]["data"]["examChanged"]
    return time.time(), datetime.fromisoformat(change["at"])


class Writer:
    def __init__(self, http: httpx.AsyncClient, token: str, exam: str) -> None:
        self.http, self.token, self.exam, self.version = http, token, exam, 1

    async def change(self) -> None:
        variables = {"id": self.exam, "version": self.version, "comment": f"v{self.version}"}
        response = await self.http.post(
            "/graphql",
            json={"query": UPDATE, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        payload = response.json()["data"]["examUpdate"]
        assert payload["userErrors"] == [], payload
        self.version = payload["exam"]["version"]


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


async def run(args: argparse.Namespace) -> None:
    await recreate_database(args.database_url)
    await db.start(args.database_url)
    person_id, school_id, exam_a, exam_b = await seed()
    await db.close()
    work = Path(tempfile.mkdtemp(prefix="eh-bench-live-"))
    settings = Settings(database_url=args.database_url, jwt_private_key_file=work / "jwt.pem")
    keys = load_key_ring(settings)
    token = issue_token(
        keys, settings, person_id=person_id, role=Role.SCHOOL, organisation_id=school_id
    )
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "EH_VAR_DIR": str(work),
        "EH_JWT_PRIVATE_KEY_FILE": str(settings.jwt_private_key_file),
        "EH_DEMO_DATA": "false",
        "EH_MAIL_IN_SERVE": "false",
        "EH_LOG_LEVEL": "WARNING",
    }
    port = args.port
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "uvicorn", "app.asgi:create_worker_app", "--factory", "--port", str(port)),
        *("--ws", "websockets-sansio", "--log-level", "warning"),
        env=env,
    )
    base, url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/graphql"
    sockets: list[Any] = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            for _ in range(600):
                try:
                    if (await http.get("/ready")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
            a, b = to_global_id("Exam", exam_a), to_global_id("Exam", exam_b)
            watcher = await open_subscriber(url, token, b)
            await asyncio.sleep(1)
            baseline = rss_kib(server.pid)
            for _ in range(args.subscribers):
                sockets.append(await open_subscriber(url, token, a))
            await asyncio.sleep(2)
            loaded = rss_kib(server.pid)
            per = (loaded - baseline) / args.subscribers
            print(
                f"server RSS: {baseline / 1024:.1f} MiB with 1 socket, {loaded / 1024:.1f} MiB "
                f"with {args.subscribers} more idle subscribers: {per:.1f} KiB each"
            )

            to_b = Writer(http, token, b)
            one: list[float] = []
            for _ in range(args.changes):
                await to_b.change()
                arrived, at = await received_at(watcher)
                one.append(arrived - at.timestamp())
            print(f"one watcher among {args.subscribers} idle ({args.changes} changes): {ms(one)}")

            to_a = Writer(http, token, a)
            fan: list[float] = []
            for _ in range(args.fan_changes):
                await to_a.change()
                receipts = await asyncio.gather(*(received_at(s) for s in sockets))
                fan.append(max(r[0] for r in receipts) - receipts[0][1].timestamp())
            print(
                f"fan-out to all {args.subscribers} ({args.fan_changes} changes): last receipt "
                f"{ms(fan)}"
            )
            await watcher.close()
    finally:
        for socket in sockets:
            await socket.close()
        server.terminate()
        await asyncio.wait_for(server.wait(), 30)
        await drop_database(args.database_url)
    load = os.getloadavg()
    print(f"machine load (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/eh_bench_live"
    )
    parser.add_argument("--subscribers", type=int, default=500)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--fan-changes", type=int, default=5)
    parser.add_argument("--port", type=int, default=8766)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
