"""Dates an exam is planned with: never in the past; a month's notice, or a warning.

"The past" is before today in Estonia (``models.clock.today``), whatever the server's zone.
A date in the past is refused wherever it is set (an exam's graduation date, a group's exam
day) and wherever an exam moves on with it (submission, acceptance): such an exam could not
happen as planned. Seed 004 asks for the exam schedule to be public at least one month
ahead; that is one school's house rule, and the awarding body sets place and time late and
adds retake groups, so an exam day less than a month ahead is a warning (``SHORT_NOTICE``),
never a refusal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from models.group import ExamGroup
from models.workflow.certificate import add_months
from models.workflow.errors import Problem, problem

NOTICE_MONTHS = 1


def past(day: date | None, field: Sequence[str], today: date) -> list[Problem]:
    """``DATE_IN_PAST`` when ``day`` is before ``today``."""
    if day is None or day >= today:
        return []
    return [problem("DATE_IN_PAST", field, day=f"{day:%d.%m.%Y}", today=f"{today:%d.%m.%Y}")]


def short_notice(day: date | None, field: Sequence[str], today: date) -> list[Problem]:
    """``SHORT_NOTICE`` when the exam day is today or later but less than a month ahead."""
    if day is None or day < today or day >= add_months(today, NOTICE_MONTHS):
        return []
    return [problem("SHORT_NOTICE", field, day=f"{day:%d.%m.%Y}", months=NOTICE_MONTHS)]


def exam_problems(
    graduation_date: date, groups: Iterable[ExamGroup], today: date
) -> tuple[list[Problem], list[Problem]]:
    """What stops an exam from moving on with its dates, and the warnings about them."""
    problems = past(graduation_date, ["graduationDate"], today)
    warnings: list[Problem] = []
    for group in groups:
        problems += past(group.date, ["groups", group.name], today)
        warnings += short_notice(group.date, ["groups", group.name], today)
    return problems, warnings
