"""Pieces every workflow operation uses: loading under the viewer's scope with a row lock,
the optimistic version check, and the audit record."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import Enum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from models.access import Viewer, exam_scope
from models.audit import AuditEvent
from models.clock import now
from models.events import Event, Topic, publish
from models.exam import Exam
from models.group import ExamGroup
from models.protocol import Protocol, Signature
from models.workflow.errors import fail


async def exam_for_update(viewer: Viewer, exam_id: int, connection: BaseDBAsyncClient) -> Exam:
    """The exam, locked for this transaction, if the viewer may see it at all."""
    scope = exam_scope(viewer)
    exam = None
    if scope is not None:
        exam = await Exam.filter(scope, id=exam_id).select_for_update().using_db(connection).first()
    if exam is None:
        raise fail("NOT_FOUND", ["exam"])
    return exam


async def group_for_update(
    exam: Exam, group_id: int, connection: BaseDBAsyncClient, field: str = "group"
) -> ExamGroup:
    group = (
        await ExamGroup.filter(id=group_id, exam_id=exam.id)
        .select_for_update()
        .using_db(connection)
        .first()
    )
    if group is None:
        raise fail("NOT_FOUND", [field])
    return group


def expect_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise fail("STALE_VERSION", ["version"])


async def bump(
    model: type[Exam] | type[ExamGroup],
    row_id: int,
    version: int,
    connection: BaseDBAsyncClient,
    **changes: Any,
) -> None:
    """Write `changes` only if the row still has `version`; the version goes up by one."""
    updated = (
        await model.filter(id=row_id, version=version)
        .using_db(connection)
        .update(version=F("version") + 1, **changes)
    )
    if updated != 1:
        raise fail("STALE_VERSION", ["version"])


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, date | datetime | time):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return [convert(v) for v in value]
        return value

    return {key: convert(value) for key, value in values.items()}


async def audit(
    connection: BaseDBAsyncClient,
    viewer: Viewer,
    *,
    action: str,
    exam_id: int | None,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    await AuditEvent.create(
        using_db=connection,
        exam_id=exam_id,
        actor_id=viewer.person_id,
        actor_role=viewer.role,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
    )
    await _announce(
        connection, viewer, action=action, exam_id=exam_id, entity=entity, key=entity_id
    )


async def _announce(
    connection: BaseDBAsyncClient,
    viewer: Viewer,
    *,
    action: str,
    exam_id: int | None,
    entity: str,
    key: int | None,
) -> None:
    """Every audited change is also a live event (delivered after the commit): one about the
    exam, and one about the protocol when a protocol changed. A deleted exam has no `exam_id`
    any more; its event still goes out under its own key, so its subscribers hear the end."""
    if exam_id is None and entity == "exam":
        exam_id = key
    if exam_id is None:
        return
    await _publish_change(connection, viewer, Exam, Topic.EXAM, exam_id, action, exam_id)
    if entity == "protocol" and key is not None:
        await announce_protocol(connection, viewer, action=action, exam_id=exam_id, protocol_id=key)


async def announce_protocol(
    connection: BaseDBAsyncClient,
    viewer: Viewer,
    *,
    action: str,
    exam_id: int,
    protocol_id: int,
) -> None:
    """A live event about one protocol (created, a signature added, signed), after the
    commit; it carries the protocol's status and version as the transaction left them."""
    await _publish_change(
        connection, viewer, Protocol, Topic.PROTOCOL, protocol_id, action, exam_id
    )


async def _publish_change(
    connection: BaseDBAsyncClient,
    viewer: Viewer,
    model: type[Exam] | type[Protocol],
    topic: Topic,
    key: int,
    action: str,
    exam_id: int,
) -> None:
    """Publish `action` on the row `key` of `model`, with its status and version as this
    transaction leaves them (none once the row is gone)."""
    rows = await model.filter(id=key).using_db(connection).values("status", "version")
    state = rows[0] if rows else {}
    await publish(
        connection,
        Event(
            topic=topic,
            key=key,
            kind=action,
            at=now(),
            exam_id=exam_id,
            version=state.get("version"),
            actor_id=viewer.person_id,
            actor_role=viewer.role.value if viewer.role else None,
            data={"status": str(state["status"]) if state else None},
        ),
    )


def changed(row: Any, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The before and after of the fields that really change."""
    before, after = {}, {}
    for key, value in changes.items():
        old = getattr(row, key)
        if old != value:
            before[key], after[key] = old, value
    return before, after


async def discard_unsigned_protocol(group_id: int, connection: BaseDBAsyncClient) -> None:
    """A result changed: an unsigned assessment protocol of the group no longer holds and
    goes. Once anyone has signed it, results are final."""
    protocol = (
        await Protocol.filter(group_id=group_id).using_db(connection).select_for_update().first()
    )
    if protocol is None:
        return
    if await Signature.filter(protocol_id=protocol.id).using_db(connection).exists():
        raise fail("PROTOCOL_SIGNED", ["participant"])
    await protocol.delete(using_db=connection)
