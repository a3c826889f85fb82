"""Counting SQL statements per unit of work, from Tortoise's own query log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_counter: ContextVar[list[int] | None] = ContextVar("sql_counter", default=None)


class _CountingHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        box = _counter.get()
        # Connection set-up and tear-down are logged too; statements are logged as "%s: %s".
        if box is not None and record.msg == "%s: %s":
            box[0] += 1


_handler = _CountingHandler(level=logging.DEBUG)
_installed = False


def _install() -> None:
    global _installed
    if not _installed:
        logger = logging.getLogger("tortoise.db_client")
        logger.addHandler(_handler)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        _installed = True


@contextmanager
def count_statements() -> Iterator[list[int]]:
    """Count the statements sent inside the block: `with count_statements() as n: ...; n[0]`."""
    _install()
    box = [0]
    token = _counter.set(box)
    try:
        yield box
    finally:
        _counter.reset(token)
