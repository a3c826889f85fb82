"""The checks an exam must pass before it is sent to the awarding body and accepted (seeds
000, 004)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import holidays
from tortoise.backends.base.client import BaseDBAsyncClient

from models.clock import today
from models.enums import ExamStatus
from models.exam import Exam
from models.group import ExamGroup
from models.participant import Participant
from models.workflow import dates
from models.workflow.errors import DomainError, Problem, problem

_ESTONIAN_HOLIDAYS = holidays.country_holidays("EE")


def day_problem(day: date) -> str | None:
    """Why no exam can be held on `day` (seed 004), or None."""
    if day.weekday() == 6:
        return "pühapäev / a Sunday"
    name = _ESTONIAN_HOLIDAYS.get(day)
    return f"riigipüha {name} / a public holiday" if name else None


async def before_submit(exam: Exam, connection: BaseDBAsyncClient) -> list[Problem]:
    """Every problem at once (raised), or the warnings that do not stop submission."""
    groups = await ExamGroup.filter(exam_id=exam.id).using_db(connection).order_by("name")
    participants = (
        await Participant.filter(exam_id=exam.id)
        .using_db(connection)
        .values("id", "group_id", "person_id", "special_needs")
    )
    problems: list[Problem] = []
    if not participants:
        problems.append(problem("NO_PARTICIPANTS", ["participants"]))
    without_group = sum(1 for p in participants if p["group_id"] is None)
    if without_group:
        problems.append(problem("NOT_IN_GROUP", ["participants"], count=without_group))
    counts = Counter(p["group_id"] for p in participants)
    warnings = []
    for group in groups:
        if counts[group.id] > group.limit:
            problems.append(
                problem(
                    "GROUP_FULL",
                    ["groups", group.name],
                    group=group.name,
                    free=group.limit,
                    needed=counts[group.id],
                )
            )
        elif counts[group.id] == group.limit:
            warnings.append(
                problem("GROUP_HAS_NO_FREE_PLACES", ["groups", group.name], group=group.name)
            )
    if any(p["special_needs"] for p in participants) and not (exam.comment or "").strip():
        problems.append(problem("COMMENT_REQUIRED", ["comment"]))
    dated, notice = dates.exam_problems(exam.graduation_date, groups, today())
    problems += dated
    warnings += notice
    problems += _day_problems(groups)
    problems += await _duplicate_entries(exam, groups, connection)
    problems += await _participants_elsewhere(exam, groups, participants, connection)
    if problems:
        raise DomainError(problems)
    return warnings


async def before_accept(exam: Exam, connection: BaseDBAsyncClient) -> list[Problem]:
    """Acceptance needs dates still ahead (raised); short notice is a warning (returned)."""
    groups = await ExamGroup.filter(exam_id=exam.id).using_db(connection).order_by("name")
    problems, warnings = dates.exam_problems(exam.graduation_date, groups, today())
    if problems:
        raise DomainError(problems)
    return warnings


def _day_problems(groups: list[ExamGroup]) -> list[Problem]:
    problems = []
    for group in groups:
        reason = day_problem(group.date) if group.date else None
        if reason:
            problems.append(
                problem(
                    "SCHEDULE_CONFLICT",
                    ["groups", group.name],
                    detail=f"{group.name}: {group.date:%d.%m.%Y} on {reason}.",
                )
            )
    return problems


async def _duplicate_entries(
    exam: Exam, groups: list[ExamGroup], connection: BaseDBAsyncClient
) -> list[Problem]:
    """No second exam entry of the same curriculum at the same date, time and place."""
    problems = []
    for group in groups:
        if group.date is None or group.time is None or not group.place:
            continue
        clash = (
            await ExamGroup.filter(
                exam__curriculum_id=exam.curriculum_id,
                date=group.date,
                time=group.time,
                place=group.place,
            )
            .exclude(exam_id=exam.id)
            .exclude(exam__status=ExamStatus.CANCELLED)
            .using_db(connection)
            .exists()
        )
        if clash:
            problems.append(
                problem(
                    "DUPLICATE_EXAM",
                    ["groups", group.name],
                    when=f"{group.date:%d.%m.%Y} {group.time:%H.%M}, {group.place}",
                )
            )
    return problems


async def _participants_elsewhere(
    exam: Exam,
    groups: list[ExamGroup],
    participants: list[dict[str, object]],
    connection: BaseDBAsyncClient,
) -> list[Problem]:
    """One exam per student per day (seed 004)."""
    days = {group.id: group.date for group in groups if group.date}
    by_person = {p["person_id"]: days.get(p["group_id"]) for p in participants}  # type: ignore[call-overload]
    people = [person for person, day in by_person.items() if day is not None]
    if not people:
        return []
    elsewhere = (
        await Participant.filter(person_id__in=people, group__date__not_isnull=True)
        .exclude(exam_id=exam.id)
        .exclude(exam__status=ExamStatus.CANCELLED)
        .using_db(connection)
        .values("person_id", day="group__date")
    )
    clashes = sorted({row["day"] for row in elsewhere if by_person[row["person_id"]] == row["day"]})
    return [
        problem(
            "SCHEDULE_CONFLICT",
            ["participants"],
            detail=f"Osalejal on {day:%d.%m.%Y} juba teine eksam. / "
            f"A participant already has another exam on {day:%d.%m.%Y}.",
        )
        for day in clashes
    ]
