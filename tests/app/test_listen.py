"""Each process's LISTEN connection: it hands committed events to `dispatch` and connects
again after it is lost."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import pytest

from app.listen import APPLICATION_NAME, listen, listen_dsn
from models.events import Event, Topic, add_listener, publish, remove_listener, transaction


def test_the_pool_options_are_not_passed_to_the_listen_connection():
    url = "postgresql://eh:pw@db:5432/eh?maxsize=25"
    assert listen_dsn(url) == "postgres://eh:pw@db:5432/eh"


async def _listener_pids(admin: asyncpg.Connection) -> list[int]:
    rows = await admin.fetch(
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1", APPLICATION_NAME
    )
    return [row["pid"] for row in rows]


async def _publish(key: int) -> None:
    event = Event(topic=Topic.EXAM, key=key, kind="exam.update", at=datetime.now(UTC))
    async with transaction() as connection:
        await publish(connection, event)


async def _heard(heard: list[Event], key: int) -> None:
    async with asyncio.timeout(20):
        while not any(event.key == key for event in heard):  # noqa: ASYNC110
            await asyncio.sleep(0.02)


@pytest.mark.postgres_only
async def test_events_are_heard_again_after_the_connection_is_lost(empty_db: str):
    heard: list[Event] = []
    add_listener(heard.append)
    admin = await asyncpg.connect(listen_dsn(empty_db))
    others = set(await _listener_pids(admin))  # another test fixture's process may listen too
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(listen(empty_db, stop, ready))
    try:
        # given the process listening, and hearing a committed event
        await asyncio.wait_for(ready.wait(), 20)
        await _publish(101)
        await _heard(heard, 101)
        # when its connection is killed
        [old] = set(await _listener_pids(admin)) - others
        await admin.execute("SELECT pg_terminate_backend($1)", old)
        async with asyncio.timeout(30):
            while not (set(await _listener_pids(admin)) - others - {old}):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            await ready.wait()
        # then it listens again and hears what is committed next
        await _publish(102)
        await _heard(heard, 102)
    finally:
        stop.set()
        await task
        remove_listener(heard.append)
    # and once stopped it has left no connection behind
    try:
        assert set(await _listener_pids(admin)) <= others
    finally:
        await admin.close()
