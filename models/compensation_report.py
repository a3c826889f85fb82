"""What the state compensates to awarding bodies for a period, traceable to every exam and
participant.

Definitions (README, Cost compensation):
- an exam counts when it is COMPLETED (its commission protocol is signed: the results are
  final); an exam that is only ASSESSED waits for the next period's report;
- it counts per group date: each date on which its groups sat within the period is one line,
  with the rate in force on that date (a rate change mid-period splits nothing else);
- compensable participants are the state-funded ones (RE-jah: funding codes R and Z) with a
  result other than ABSENT; a line's amount is its rate × their number, in euro cents;
- graduates with funding codes M and T (RE-ei) who sat the exam are listed as invoiced to the
  school; participants with no funding code (work-world applicants, retakers) who sat it are
  listed as not compensated; absent participants are excluded from every amount;
- a line with no rate (the curriculum has no group, or no rate of its group and exam type
  was in force on the date) has no amount and is reported as such, never as zero.
No division happens: every amount is an integer number of cents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from models.access import ReportScope
from models.compensation import Rate, RateTable
from models.enums import ExamStatus, ExamType, FundingCode, ParticipantResult
from models.report_sql import (
    OTHER_FUNDING_CODES,
    STATE_FUNDED_CODES,
    Statement,
    as_date,
    in_list,
)

COUNTED_STATUS = ExamStatus.COMPLETED
_SAT = in_list(
    "p.result", (r.value for r in ParticipantResult if r is not ParticipantResult.ABSENT)
)


class MissingRate(StrEnum):
    NO_CURRICULUM_GROUP = "NO_CURRICULUM_GROUP"
    NO_RATE_IN_FORCE = "NO_RATE_IN_FORCE"


class FundingCategory(StrEnum):
    COMPENSATED = "COMPENSATED"
    INVOICED_TO_SCHOOL = "INVOICED_TO_SCHOOL"
    NOT_COMPENSATED = "NOT_COMPENSATED"
    ABSENT = "ABSENT"


def funding_category(funding_code: str | None, result: str | None) -> FundingCategory:
    """The same rule as the SQL of `compensation_report`, for one participant."""
    if result is None or result == ParticipantResult.ABSENT.value:
        return FundingCategory.ABSENT
    if funding_code is None:
        return FundingCategory.NOT_COMPENSATED
    if FundingCode(funding_code).state_funded:
        return FundingCategory.COMPENSATED
    return FundingCategory.INVOICED_TO_SCHOOL


@dataclass(frozen=True)
class CompensationLine:
    """One exam on one group date."""

    exam_id: int
    exam_date: date
    awarding_body_id: int
    school_id: int
    standard_id: int
    curriculum_id: int
    curriculum_group: str | None
    exam_type: ExamType
    compensated: int
    invoiced_to_school: int
    not_compensated: int
    absent: int
    rate: Rate | None

    @property
    def missing_rate(self) -> MissingRate | None:
        if self.rate is not None:
            return None
        if self.curriculum_group is None:
            return MissingRate.NO_CURRICULUM_GROUP
        return MissingRate.NO_RATE_IN_FORCE

    @property
    def amount_cents(self) -> int | None:
        return None if self.rate is None else self.rate.amount_cents * self.compensated


@dataclass
class BodyTotal:
    """An awarding body's compensation for the period."""

    awarding_body_id: int
    exam_ids: set[int] = field(default_factory=set)
    lines: int = 0
    compensated: int = 0
    amount_cents: int = 0
    lines_without_rate: int = 0
    compensated_without_rate: int = 0
    invoiced_to_school: int = 0
    not_compensated: int = 0

    def add(self, line: CompensationLine) -> None:
        self.exam_ids.add(line.exam_id)
        self.lines += 1
        self.compensated += line.compensated
        self.invoiced_to_school += line.invoiced_to_school
        self.not_compensated += line.not_compensated
        if line.amount_cents is None:
            self.lines_without_rate += 1
            self.compensated_without_rate += line.compensated
        else:
            self.amount_cents += line.amount_cents


@dataclass(frozen=True)
class CompensationReport:
    period_from: date
    period_to: date
    lines: list[CompensationLine]
    bodies: list[BodyTotal]

    @property
    def amount_cents(self) -> int:
        return sum(body.amount_cents for body in self.bodies)

    @property
    def lines_without_rate(self) -> int:
        return sum(body.lines_without_rate for body in self.bodies)


def _count(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


async def compensation_report(
    scope: ReportScope,
    period_from: date,
    period_to: date,
    *,
    awarding_body_id: int | None = None,
    rates: RateTable | None = None,
) -> CompensationReport:
    """Lines for every counted exam and group date in the period, and totals per body."""
    sql = Statement()
    terms = [
        sql.scope(scope),
        f"e.status = '{COUNTED_STATUS.value}'",
        f"g.date >= {sql.param(period_from)}",
        f"g.date <= {sql.param(period_to)}",
    ]
    if awarding_body_id is not None:
        terms.append(f"e.awarding_body_id = {sql.param(awarding_body_id)}")
    rows = await sql.fetch(
        "SELECT e.id AS exam_id, g.date AS exam_date, e.awarding_body_id, e.school_id, "
        "e.standard_id, e.curriculum_id, c.curriculum_group, e.exam_type, "
        f"{_count(f'{_SAT} AND ' + in_list('p.funding_code', STATE_FUNDED_CODES))} "
        "AS compensated, "
        f"{_count(f'{_SAT} AND ' + in_list('p.funding_code', OTHER_FUNDING_CODES))} "
        "AS invoiced_to_school, "
        f"{_count(f'{_SAT} AND p.funding_code IS NULL')} AS not_compensated, "
        f"{_count(f'p.id IS NOT NULL AND (p.result IS NULL OR NOT ({_SAT}))')} AS absent "
        "FROM exam e JOIN exam_group g ON g.exam_id = e.id "
        "JOIN curriculum c ON c.id = e.curriculum_id "
        "LEFT JOIN participant p ON p.group_id = g.id "
        f"WHERE {' AND '.join(terms)} "
        "GROUP BY e.id, g.date, e.awarding_body_id, e.school_id, e.standard_id, "
        "e.curriculum_id, c.curriculum_group, e.exam_type "
        "ORDER BY e.awarding_body_id, g.date, e.id"
    )
    table = rates if rates is not None else await RateTable.load()
    lines = [_line(row, table) for row in rows]
    bodies: dict[int, BodyTotal] = {}
    for line in lines:
        bodies.setdefault(line.awarding_body_id, BodyTotal(line.awarding_body_id)).add(line)
    return CompensationReport(period_from, period_to, lines, list(bodies.values()))


def _line(row: dict[str, Any], rates: RateTable) -> CompensationLine:
    exam_date = as_date(row["exam_date"])
    exam_type = ExamType(row["exam_type"])
    return CompensationLine(
        exam_id=row["exam_id"],
        exam_date=exam_date,
        awarding_body_id=row["awarding_body_id"],
        school_id=row["school_id"],
        standard_id=row["standard_id"],
        curriculum_id=row["curriculum_id"],
        curriculum_group=row["curriculum_group"],
        exam_type=exam_type,
        compensated=int(row["compensated"] or 0),
        invoiced_to_school=int(row["invoiced_to_school"] or 0),
        not_compensated=int(row["not_compensated"] or 0),
        absent=int(row["absent"] or 0),
        rate=rates.in_force(row["curriculum_group"], exam_type, exam_date),
    )


@dataclass(frozen=True)
class LineParticipant:
    """A participant of a line, with the category that decides who pays for them."""

    participant_id: int
    exam_id: int
    exam_date: date
    first_name: str
    last_name: str
    funding_code: str | None
    result: str | None

    @property
    def category(self) -> FundingCategory:
        return funding_category(self.funding_code, self.result)


async def line_participants(exam_ids: list[int]) -> list[LineParticipant]:
    """The participants behind lines of these exams (by group date), in name order. Only
    for the lines asked for: the totals never load participants."""
    rows: list[dict[str, Any]] = []
    for start in range(0, len(exam_ids), _BATCH):
        rows += await _participant_rows(exam_ids[start : start + _BATCH])
    return [
        LineParticipant(
            participant_id=row["id"],
            exam_id=row["exam_id"],
            exam_date=as_date(row["exam_date"]),
            first_name=row["first_name"],
            last_name=row["last_name"],
            funding_code=row["funding_code"],
            result=row["result"],
        )
        for row in rows
    ]


_BATCH = 1000  # well below both databases' limits on bound parameters


async def _participant_rows(exam_ids: list[int]) -> list[dict[str, Any]]:
    sql = Statement()
    keys = ", ".join(sql.param(i) for i in exam_ids)
    return await sql.fetch(
        "SELECT p.id, g.exam_id, g.date AS exam_date, pe.first_name, pe.last_name, "
        "p.funding_code, p.result FROM participant p "
        "JOIN exam_group g ON g.id = p.group_id JOIN person pe ON pe.id = p.person_id "
        f"WHERE g.exam_id IN ({keys}) AND g.date IS NOT NULL "
        "ORDER BY g.exam_id, g.date, pe.last_name, pe.first_name, p.id"
    )
