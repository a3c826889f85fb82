"""Two API processes on one PostgreSQL: a change made through one reaches a subscriber on
the other (PostgreSQL NOTIFY, each process's LISTEN)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.exam.conftest import School
from tests.exam.test_workflow import UPDATE, _create
from tests.live.client import WAIT_SECONDS, LiveClient
from tests.live.conftest import free_port

pytestmark = pytest.mark.postgres_only


@contextmanager
def _process(port: int, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.asgi:create_worker_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--ws",
                "websockets-sansio",
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=30)


async def _until_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    async with httpx.AsyncClient() as http, asyncio.timeout(120):
        while True:
            assert process.poll() is None, f"the API process stopped: see {log}"
            try:
                if (await http.get(f"{base}/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)


@pytest.fixture
async def two_processes(app, database_url, test_pki, tsa_url, tmp_path) -> AsyncIterator[list[str]]:  # type: ignore[no-untyped-def]
    """Two uvicorn processes serving the app on the test database: their base URLs."""
    settings = app.state.settings
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "EH_VAR_DIR": str(tmp_path / "var"),
        "EH_JWT_PRIVATE_KEY_FILE": str(settings.jwt_private_key_file),
        "EH_PKI_DIR": str(test_pki.directory),
        "EH_TSA_URL": tsa_url,
        "EH_DEMO_DATA": "false",
        "EH_MAIL_IN_SERVE": "false",
        "EH_LOG_LEVEL": "WARNING",
    }
    ports = [free_port(), free_port()]
    logs = [tmp_path / f"api-{n}.log" for n in range(2)]
    with _process(ports[0], env, logs[0]) as first, _process(ports[1], env, logs[1]) as second:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, process, log in zip(bases, (first, second), logs, strict=True):
            await _until_ready(base, process, log)
        yield bases


async def test_a_change_through_one_process_reaches_a_subscriber_on_the_other(
    api, world: School, two_processes: list[str]
):
    # given a school user subscribed through the second process
    writer, reader = two_processes
    exam = (await _create(api, world))["exam"]
    token = await api.token_for(*world.as_school())
    socket_url = reader.replace("http://", "ws://") + "/graphql"
    async with LiveClient.signed_in(socket_url, token) as live:
        await live.subscribe(
            "1",
            "subscription ($id: ID!) { examChanged(id: $id) { kind version actorRole } }",
            {"id": exam["id"]},
        )
        assert (await live.next("1"))["data"]["examChanged"]["kind"] == "current"
        # when the exam is changed through the first process
        async with httpx.AsyncClient(timeout=WAIT_SECONDS) as http:
            response = await http.post(
                f"{writer}/graphql",
                json={
                    "query": UPDATE,
                    "variables": {"id": exam["id"], "version": 1, "input": {"comment": "Üle"}},
                },
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.json()["data"]["examUpdate"]["userErrors"] == []
        # then the subscriber on the second process hears it
        change = (await live.next("1"))["data"]["examChanged"]
        assert change == {"kind": "exam.update", "version": 2, "actorRole": "SCHOOL"}
