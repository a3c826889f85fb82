"""Change events leave with the commit of the transaction that wrote them, and never without it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest

from models.events import (
    CHANNEL,
    Event,
    Topic,
    add_listener,
    dispatch,
    publish,
    remove_listener,
    transaction,
)
from tests.conftest import BACKEND

AT = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _event(key: int, kind: str = "exam.submit") -> Event:
    return Event(
        topic=Topic.EXAM,
        key=key,
        kind=kind,
        at=AT,
        exam_id=key,
        version=3,
        actor_id=7,
        actor_role="SCHOOL",
        data={"status": "SUBMITTED"},
    )


@pytest.fixture
async def heard(empty_db: str) -> AsyncIterator[list[Event]]:
    """Every event this process hears: through LISTEN on PostgreSQL, in-process on SQLite."""
    events: list[Event] = []
    if BACKEND == "postgres":
        url = empty_db.split("?")[0]
        listener = await asyncpg.connect(url)
        await listener.add_listener(CHANNEL, lambda *args: events.append(Event.decode(args[3])))
        yield events
        await listener.close()
    else:
        add_listener(events.append)
        yield events
        remove_listener(events.append)


async def _settle() -> None:
    # Notifications cross a socket on PostgreSQL; give them a moment.
    for _ in range(50):
        await asyncio.sleep(0.01)


def test_an_event_survives_its_json_form_unchanged():
    event = _event(5)
    assert Event.decode(event.encode()) == event


def test_an_event_too_large_for_notify_is_refused():
    huge = Event(topic=Topic.EXAM, key=1, kind="x", at=AT, data={"text": "õ" * 5000})
    with pytest.raises(ValueError, match="too large"):
        huge.encode()


async def test_a_committed_transaction_delivers_its_events_in_order(heard: list[Event]):
    async with transaction() as connection:
        await publish(connection, _event(1))
        await publish(connection, _event(2, "exam.accept"))
        await _settle()
        assert heard == [], "nothing may be heard before the commit"
    await _settle()
    assert [(e.key, e.kind) for e in heard] == [(1, "exam.submit"), (2, "exam.accept")]
    assert heard[0] == _event(1)


async def test_a_rolled_back_transaction_delivers_nothing(heard: list[Event]):
    async def fail_after_publishing() -> None:
        async with transaction() as connection:
            await publish(connection, _event(1))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_after_publishing()
    async with transaction() as connection:
        await publish(connection, _event(2))
    await _settle()
    assert [e.key for e in heard] == [2]


async def test_a_nested_block_waits_for_the_outer_commit(heard: list[Event]):
    async with transaction() as connection:
        await publish(connection, _event(1))
        async with transaction() as inner:
            await publish(inner, _event(2))
        await _settle()
        assert heard == []
    await _settle()
    assert sorted(e.key for e in heard) == [1, 2]


def test_one_failing_listener_does_not_keep_the_event_from_others():
    got: list[Event] = []

    def broken(event: Event) -> None:
        raise RuntimeError("listener bug")

    add_listener(broken)
    add_listener(got.append)
    try:
        dispatch(_event(9))
    finally:
        remove_listener(broken)
        remove_listener(got.append)
    assert [e.key for e in got] == [9]
