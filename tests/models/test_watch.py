"""The in-process fan-out subscriptions read from: by object, and bounded."""

from __future__ import annotations

from datetime import UTC, datetime

from models.events import Event, Topic, dispatch
from models.watch import watch, watcher_count

AT = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _event(topic: Topic, key: int, kind: str = "exam.update") -> Event:
    return Event(topic=topic, key=key, kind=kind, at=AT)


async def test_a_watch_gets_only_its_objects_events():
    async with watch(Topic.EXAM, 1) as mine, watch(Topic.EXAM, 2) as other:
        dispatch(_event(Topic.EXAM, 1))
        dispatch(_event(Topic.PROTOCOL, 1))
        assert mine.qsize() == 1
        assert other.qsize() == 0
        assert (await mine.get()).topic is Topic.EXAM


async def test_a_watcher_that_falls_behind_keeps_the_latest_events():
    async with watch(Topic.EXAM, 3, maxsize=2) as queue:
        for n in range(5):
            dispatch(_event(Topic.EXAM, 3, kind=f"exam.step{n}"))
        assert [queue.get_nowait().kind for _ in range(queue.qsize())] == [
            "exam.step3",
            "exam.step4",
        ]


async def test_a_closed_watch_leaves_nothing_behind():
    before = watcher_count()
    async with watch(Topic.NOTIFICATION, 9):
        assert watcher_count() == before + 1
    assert watcher_count() == before
    dispatch(_event(Topic.NOTIFICATION, 9))  # nobody is left to receive it
