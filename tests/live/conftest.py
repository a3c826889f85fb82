"""The session's app served by a real uvicorn on loopback (sockets need a real server), in
the test's own event loop, so it shares the test database. On PostgreSQL the process hears
events through its own LISTEN, as a deployed one does."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn

from app.listen import listen
from tests.conftest import BACKEND
from tests.exam.conftest import world  # noqa: F401 - the exam workflow's world
from tests.protocol.conftest import held  # noqa: F401 - an exam held yesterday


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
async def live_url(app, database_url: str) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    """ws://…/graphql of the session's app (lifespan off: the test session owns the
    database connection)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_level="warning",
            ws="websockets-sansio",
        )
    )
    serving = asyncio.create_task(server.serve())
    stop = asyncio.Event()
    listening = None
    if BACKEND == "postgres":
        ready = asyncio.Event()
        listening = asyncio.create_task(listen(database_url, stop, ready))
        await asyncio.wait_for(ready.wait(), 20)
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        if serving.done():
            serving.result()  # raises what stopped it
            raise RuntimeError("uvicorn stopped before it started")
        await asyncio.sleep(0.02)
    yield f"ws://127.0.0.1:{port}/graphql"
    stop.set()
    if listening is not None:
        await listening
    server.should_exit = True
    await serving
