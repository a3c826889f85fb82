"""Waiting for the committed events of one object: the in-process fan-out that live
subscriptions read from.

`watch(topic, key)` gives a queue that receives every event `models.events.dispatch` hands
to this process for that object, for as long as the block runs. Lookup is by (topic, key),
so an event costs the same however many other objects are watched. A watcher that falls
behind by `maxsize` events loses the oldest ones: a screen needs the latest state, and one
slow socket must not hold memory for ever.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from models.events import Event, Topic, add_listener

QUEUE_SIZE = 64

_watchers: dict[tuple[Topic, int], set[asyncio.Queue[Event]]] = {}
_listening = False


def _deliver(event: Event) -> None:
    for queue in _watchers.get((event.topic, event.key), ()):
        if queue.full():
            queue.get_nowait()
        queue.put_nowait(event)


def watcher_count() -> int:
    """How many watches are open in this process (for tests and the bench)."""
    return sum(len(queues) for queues in _watchers.values())


@asynccontextmanager
async def watch(
    topic: Topic, key: int, maxsize: int = QUEUE_SIZE
) -> AsyncIterator[asyncio.Queue[Event]]:
    """A queue of the events about (`topic`, `key`) committed while the block runs."""
    global _listening
    if not _listening:
        add_listener(_deliver)
        _listening = True
    queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=maxsize)
    _watchers.setdefault((topic, key), set()).add(queue)
    try:
        yield queue
    finally:
        queues = _watchers.get((topic, key))
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del _watchers[(topic, key)]
