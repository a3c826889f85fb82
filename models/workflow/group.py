"""Exam groups: the school forms them, the awarding body sets place and time."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, time
from typing import Any

from tortoise.exceptions import IntegrityError

from models.access import Viewer
from models.clock import today
from models.enums import Role
from models.events import transaction
from models.group import MAX_GROUP_LIMIT, ExamGroup
from models.participant import Participant
from models.workflow import dates
from models.workflow.common import (
    audit,
    bump,
    changed,
    exam_for_update,
    expect_version,
    group_for_update,
)
from models.workflow.errors import DomainError, Problem, fail
from models.workflow.policy import check

SCHEDULE_FIELDS = {"date", "time", "place", "room"}


@dataclass(frozen=True)
class GroupFields:
    name: str
    limit: int
    language: str = "et"
    date: date | None = None
    time: time | None = None
    place: str | None = None
    room: str | None = None


def _schedule(values: dict[str, Any]) -> list[Problem]:
    """A past exam day is refused (raised); one less than a month ahead is a warning."""
    if values.get("date") is not None:
        day = today()
        if problems := dates.past(values["date"], ["date"], day):
            raise DomainError(problems)
        return dates.short_notice(values["date"], ["date"], day)
    return []


def _validate(values: dict[str, Any]) -> None:
    if "limit" in values and not 1 <= values["limit"] <= MAX_GROUP_LIMIT:
        raise fail(
            "INVALID_INPUT",
            ["limit"],
            detail=f"Limiit 1–{MAX_GROUP_LIMIT}. / The limit is 1 to {MAX_GROUP_LIMIT}.",
        )
    if "name" in values and not values["name"].strip():
        raise fail("INVALID_INPUT", ["name"], detail="Nimi puudub. / The name is missing.")


def _name_taken() -> Exception:
    return fail(
        "INVALID_INPUT",
        ["name"],
        detail="Selle nimega grupp on juba olemas. / A group of this name exists.",
    )


async def create_group(
    viewer: Viewer, exam_id: int, fields: GroupFields, *, version: int | None = None
) -> tuple[ExamGroup, list[Problem]]:
    """The new group, and warnings (an exam day less than a month ahead)."""
    values = asdict(fields)
    _validate(values)
    warnings = _schedule(values)
    try:
        async with transaction() as connection:
            exam = await exam_for_update(viewer, exam_id, connection)
            check("group.create", viewer, exam)
            expect_version(exam.version, version)
            group = await ExamGroup.create(using_db=connection, exam_id=exam.id, **values)
            await audit(
                connection,
                viewer,
                action="group.create",
                exam_id=exam.id,
                entity="group",
                entity_id=group.id,
                before=None,
                after=values,
            )
    except IntegrityError:
        raise _name_taken() from None
    return group, warnings


async def update_group(
    viewer: Viewer, group_id: int, version: int, changes: dict[str, Any]
) -> tuple[ExamGroup, list[Problem]]:
    """The changed group, and warnings (a new exam day less than a month ahead)."""
    _validate(changes)
    warnings = _schedule(changes)
    existing = await ExamGroup.get_or_none(id=group_id)
    if existing is None:
        raise fail("NOT_FOUND", ["group"])
    try:
        async with transaction() as connection:
            exam = await exam_for_update(viewer, existing.exam_id, connection)
            # The school edits its groups; after acceptance the body sets place and time.
            if viewer.role is Role.AWARDING_BODY:
                check("group.schedule", viewer, exam)
                if set(changes) - SCHEDULE_FIELDS:
                    raise fail("FORBIDDEN", sorted(set(changes) - SCHEDULE_FIELDS))
            else:
                check("group.update", viewer, exam)
            group = await group_for_update(exam, group_id, connection)
            if "limit" in changes:
                taken = await Participant.filter(group_id=group.id).using_db(connection).count()
                if changes["limit"] < taken:
                    raise fail(
                        "GROUP_FULL",
                        ["limit"],
                        group=group.name,
                        free=changes["limit"],
                        needed=taken,
                    )
            before, after = changed(group, changes)
            await bump(ExamGroup, group.id, version, connection, **changes)
            await audit(
                connection,
                viewer,
                action="group.update",
                exam_id=exam.id,
                entity="group",
                entity_id=group.id,
                before=before,
                after=after,
            )
    except IntegrityError:
        raise _name_taken() from None
    return await ExamGroup.get(id=group_id), warnings


async def delete_group(viewer: Viewer, group_id: int, version: int) -> int:
    """The group goes; its participants stay in the exam, in no group. Returns the exam ID."""
    existing = await ExamGroup.get_or_none(id=group_id)
    if existing is None:
        raise fail("NOT_FOUND", ["group"])
    async with transaction() as connection:
        exam = await exam_for_update(viewer, existing.exam_id, connection)
        check("group.delete", viewer, exam)
        group = await group_for_update(exam, group_id, connection)
        expect_version(group.version, version)
        await Participant.filter(group_id=group.id).using_db(connection).update(group_id=None)
        await ExamGroup.filter(id=group.id).using_db(connection).delete()
        await audit(
            connection,
            viewer,
            action="group.delete",
            exam_id=exam.id,
            entity="group",
            entity_id=group.id,
            before={"name": group.name, "limit": group.limit},
            after=None,
        )
    return exam.id
