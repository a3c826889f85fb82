"""Where CPU-bound document work runs: PDF preparation, embedding, validation, long-term data.

pyHanko is pure Python: a signature made in a thread still holds the interpreter lock and
stalls the event loop that answers every other request of the process. :class:`DocumentWorkers`
runs such work in separate processes instead (``processes`` > 0), so that the API keeps
answering while many signatures are made at once; with ``processes=0`` it runs in a thread,
which is enough for a first run, the tests and the command line.

What crosses to a worker is the coroutine function (by its module and name) and its arguments,
pickled: bytes, dataclasses and the picklable parts of :mod:`signing` (time stampers,
revocation sources, credentials). Errors come back as the same :class:`~signing.errors.
SigningError` they were raised as.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["DocumentWorkers"]

T = TypeVar("T")


def _call(
    function: Callable[..., Coroutine[Any, Any, T]], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> T:
    return asyncio.run(function(*args, **kwargs))


def _warm() -> None:
    """Import what the work needs before the first job, so that it does not wait for it."""
    import signing.ltv  # noqa: F401
    import signing.pades  # noqa: F401
    import signing.verify  # noqa: F401


class DocumentWorkers:
    """A pool of worker processes for document work, or a thread where there is none.

    Args:
        processes: Worker processes; 0 runs each job in a thread of this process.
    """

    def __init__(self, processes: int = 0) -> None:
        self.processes = processes
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        if processes > 0:
            # "spawn": a fresh interpreter, never a fork of a process holding an event loop,
            # database connections and threads.
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm,
            )

    async def run(
        self, function: Callable[..., Coroutine[Any, Any, T]], *args: Any, **kwargs: Any
    ) -> T:
        """Run ``function(*args, **kwargs)`` to its end in a worker (or a thread)."""
        if self._pool is None:
            return await asyncio.to_thread(_call, function, args, kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, _call, function, args, kwargs)

    async def start(self) -> None:
        """Start every worker process now, and wait until each has imported what the work
        needs, rather than on the first signature."""
        if self._pool is not None:
            warming = [self._pool.submit(_warm) for _ in range(self.processes)]
            await asyncio.gather(*(asyncio.wrap_future(f) for f in warming))

    def close(self) -> None:
        """Stop the worker processes (jobs under way finish first)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
