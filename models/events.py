"""Change events for live updates: written by the transaction that makes the change, delivered
only after it commits, to every API process.

One shape for every topic (exams, protocols, notifications, signing sessions, appeals), so the
GraphQL subscriptions, the signing sessions and anything later agree on it:

- `topic` and `key` name the object (the exam's, protocol's, session's or appeal's primary
  key; for notifications the recipient person's);
- `kind` says what happened (the audit action such as `exam.submit`, `signature.added`,
  `session.status`);
- `exam_id` is the exam the change belongs to, so a subscriber's scope can be checked again
  for every event; `version` is the object's version after the change;
- `actor_id` / `actor_role` say who did it; `at` when;
- `data` holds a few small values a screen needs at once (a status, an error code). Never a
  personal code: the payload crosses process boundaries and may reach logs.

PostgreSQL: `publish` runs `pg_notify(CHANNEL, json)` on the transaction's own connection.
PostgreSQL keeps the notification until COMMIT, drops it on ROLLBACK, and delivers it to
every session that LISTENs on the channel, so every API process hears it; each process then
hands it to `dispatch`. SQLite (the embedded default, one process): the event waits with the
transaction opened by `transaction()` and is dispatched in this process after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

log = logging.getLogger("eksamihaldus")

CHANNEL = "eh_events"
# PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
MAX_PAYLOAD_BYTES = 7900


class Topic(StrEnum):
    EXAM = "exam"
    PROTOCOL = "protocol"
    NOTIFICATION = "notification"
    SIGNING_SESSION = "signing_session"
    APPEAL = "appeal"


@dataclass(frozen=True, slots=True)
class Event:
    """One change, as subscribers receive it (see the module docstring for each field)."""

    topic: Topic
    key: int
    kind: str
    at: datetime
    exam_id: int | None = None
    version: int | None = None
    actor_id: int | None = None
    actor_role: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> str:
        text = orjson.dumps(
            {
                "topic": self.topic.value,
                "key": self.key,
                "kind": self.kind,
                "at": self.at.isoformat(),
                "exam_id": self.exam_id,
                "version": self.version,
                "actor_id": self.actor_id,
                "actor_role": self.actor_role,
                "data": self.data,
            }
        ).decode()
        if len(text.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"event {self.topic}/{self.kind} is too large for NOTIFY")
        return text

    @classmethod
    def decode(cls, text: str | bytes) -> Event:
        raw = orjson.loads(text)
        return cls(
            topic=Topic(raw["topic"]),
            key=int(raw["key"]),
            kind=str(raw["kind"]),
            at=datetime.fromisoformat(raw["at"]),
            exam_id=raw.get("exam_id"),
            version=raw.get("version"),
            actor_id=raw.get("actor_id"),
            actor_role=raw.get("actor_role"),
            data=dict(raw.get("data") or {}),
        )


# ----- in-process fan-out -------------------------------------------------------------------

Listener = Callable[[Event], None]
_listeners: list[Listener] = []


def add_listener(listener: Listener) -> None:
    """Call `listener` for every committed event this process hears (it must not block)."""
    _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def dispatch(event: Event) -> None:
    """Hand a committed event to this process's listeners; one failing listener does not
    keep the event from the others."""
    for listener in list(_listeners):
        try:
            listener(event)
        except Exception:
            log.exception("an event listener failed on %s/%s", event.topic, event.kind)


# ----- publishing from a transaction --------------------------------------------------------

# Events of the SQLite transaction being run, dispatched after its commit.
_pending: ContextVar[list[Event] | None] = ContextVar("eh_pending_events", default=None)


def _is_postgres(connection: BaseDBAsyncClient) -> bool:
    return connection.capabilities.dialect == "postgres"


async def publish(connection: BaseDBAsyncClient, event: Event) -> None:
    """Publish `event` as part of the transaction on `connection`: delivered after it
    commits, never if it rolls back. Call it inside `transaction()`."""
    if _is_postgres(connection):
        await connection.execute_query("SELECT pg_notify($1, $2)", [CHANNEL, event.encode()])
        return
    pending = _pending.get()
    if pending is None:
        raise RuntimeError("publish() needs a transaction opened with models.events.transaction()")
    event.encode()  # the same size check as on PostgreSQL
    pending.append(event)


@asynccontextmanager
async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """A database transaction whose published events go out after it commits.

    Use it instead of Tortoise's `in_transaction()` for every change. Nested use joins the
    outer transaction's events: they wait for the outermost commit, and an inner block that
    fails takes its own events with it.
    """
    outer = _pending.get()
    pending: list[Event] = outer if outer is not None else []
    mark = len(pending)
    token = _pending.set(pending)
    try:
        async with in_transaction() as connection:
            yield connection
    except BaseException:
        del pending[mark:]
        raise
    finally:
        _pending.reset(token)
    if outer is None:
        for event in pending:
            dispatch(event)
