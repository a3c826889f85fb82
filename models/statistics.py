"""Figures computed from the data: the register's public home-page figures (seed 000) and
exam and participant statistics for the registry, awarding bodies and schools.

Definitions (README, Statistics):
- a standard is *valid* on a day when one of its versions is (`valid_from` ≤ day ≤
  `valid_until`); standards are counted by code, so two overlapping versions count once;
- certificates, partial certificates and qualifications recorded on school-leaving documents
  are three separate kinds of record, as on the home page: a qualification on a school-leaving
  document (a graduate's, full or partial) is not also counted as a certificate;
- an exam's *date* is its first group's date (its graduation date while no group has one);
- rates are shares of the participants with a result, in per cent with one decimal, rounded
  half up; durations are averages in days with one decimal, rounded half up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from models.access import ReportScope
from models.enums import CertificateKind, ExamStatus, ParticipantResult
from models.report_sql import STATE_FUNDED_CODES, Statement, average, in_list, percent


@dataclass(frozen=True)
class PublicFigures:
    valid_standards: int
    occupational_areas: int
    certificates_issued: int
    certificates_valid: int
    partial_certificates_issued: int
    school_leaving_qualifications: int


async def public_figures(day: date) -> PublicFigures:
    """Seed 000's home page, in two aggregate queries."""
    standards = Statement()
    valid = (
        f"valid_from <= {standards.param(day)} "
        f"AND (valid_until IS NULL OR valid_until >= {standards.param(day)})"
    )
    [row] = await standards.fetch(
        "SELECT COUNT(DISTINCT code) AS standards, COUNT(DISTINCT occupational_area) AS areas "
        f"FROM standard WHERE {valid}"
    )
    certificates = Statement()
    full = f"kind = '{CertificateKind.CERTIFICATE.value}' AND NOT on_school_leaving_document"
    partial = (
        f"kind = '{CertificateKind.PARTIAL_CERTIFICATE.value}' AND NOT on_school_leaving_document"
    )
    valid_certificate = (
        f"valid_from <= {certificates.param(day)} "
        f"AND (valid_until IS NULL OR valid_until >= {certificates.param(day)})"
    )
    [counts] = await certificates.fetch(
        "SELECT "
        f"SUM(CASE WHEN {full} THEN 1 ELSE 0 END) AS issued, "
        f"SUM(CASE WHEN {full} AND {valid_certificate} THEN 1 ELSE 0 END) AS valid, "
        f"SUM(CASE WHEN {partial} THEN 1 ELSE 0 END) AS partial, "
        "SUM(CASE WHEN on_school_leaving_document THEN 1 ELSE 0 END) AS school_leaving "
        "FROM certificate"
    )
    return PublicFigures(
        valid_standards=int(row["standards"]),
        occupational_areas=int(row["areas"]),
        certificates_issued=int(counts["issued"] or 0),
        certificates_valid=int(counts["valid"] or 0),
        partial_certificates_issued=int(counts["partial"] or 0),
        school_leaving_qualifications=int(counts["school_leaving"] or 0),
    )


class Dimension(StrEnum):
    """What exam statistics can be grouped by."""

    STATUS = "STATUS"
    STANDARD = "STANDARD"
    SCHOOL = "SCHOOL"
    AWARDING_BODY = "AWARDING_BODY"
    YEAR = "YEAR"


_DIMENSION_COLUMNS = {
    Dimension.STATUS: "status",
    Dimension.STANDARD: "standard_id",
    Dimension.SCHOOL: "school_id",
    Dimension.AWARDING_BODY: "awarding_body_id",
    Dimension.YEAR: "exam_year",
}


@dataclass(frozen=True)
class ExamStatisticsFilter:
    exam_date_from: date | None = None
    exam_date_to: date | None = None
    statuses: tuple[ExamStatus, ...] = ()
    school_id: int | None = None
    awarding_body_id: int | None = None
    standard_id: int | None = None


@dataclass(frozen=True)
class ExamFigures:
    """One row of exam statistics: the group's keys (None when not grouped by) and counts."""

    status: ExamStatus | None = None
    standard_id: int | None = None
    school_id: int | None = None
    awarding_body_id: int | None = None
    year: int | None = None
    exams: int = 0
    participants: int = 0
    passed: int = 0
    partially_passed: int = 0
    failed: int = 0
    absent: int = 0
    state_funded: int = 0
    without_funding_code: int = 0
    accepted_measured: int = 0
    acceptance_seconds: int = 0
    completed_measured: int = 0
    completion_days: int = 0
    keys: tuple[Dimension, ...] = field(default=(), compare=False)

    @property
    def with_result(self) -> int:
        return self.passed + self.partially_passed + self.failed + self.absent

    @property
    def without_result(self) -> int:
        return self.participants - self.with_result

    @property
    def not_state_funded(self) -> int:
        """RE-ei, as `Participant.state_funded` is false: M and T, and no funding code."""
        return self.participants - self.state_funded

    def rate(self, result: ParticipantResult) -> float | None:
        counts = {
            ParticipantResult.PASSED: self.passed,
            ParticipantResult.PARTIALLY_PASSED: self.partially_passed,
            ParticipantResult.FAILED: self.failed,
            ParticipantResult.ABSENT: self.absent,
        }
        return percent(counts[result], self.with_result)

    @property
    def average_days_to_acceptance(self) -> float | None:
        return average(self.acceptance_seconds, self.accepted_measured, 86_400)

    @property
    def average_days_to_commission_protocol(self) -> float | None:
        return average(self.completion_days, self.completed_measured)


def _exams_cte(sql: Statement, scope: ReportScope, f: ExamStatisticsFilter) -> str:
    terms = [sql.scope(scope)]
    for column, value in (
        ("school_id", f.school_id),
        ("awarding_body_id", f.awarding_body_id),
        ("standard_id", f.standard_id),
    ):
        if value is not None:
            terms.append(f"e.{column} = {sql.param(value)}")
    if f.statuses:
        terms.append(in_list("e.status", (s.value for s in f.statuses)))
    exam_date = "COALESCE(d.first_date, e.graduation_date)"
    if f.exam_date_from is not None:
        terms.append(f"{exam_date} >= {sql.param(f.exam_date_from)}")
    if f.exam_date_to is not None:
        terms.append(f"{exam_date} <= {sql.param(f.exam_date_to)}")
    return (
        "dates AS (SELECT exam_id, MIN(date) AS first_date, MAX(date) AS last_date "
        "FROM exam_group GROUP BY exam_id), "
        "scoped AS (SELECT e.id, e.status, e.standard_id, e.school_id, e.awarding_body_id, "
        f"{sql.year(exam_date)} AS exam_year, d.last_date, "
        "e.submitted_at, e.accepted_at, e.completed_at "
        "FROM exam e LEFT JOIN dates d ON d.exam_id = e.id "
        f"WHERE {' AND '.join(terms)})"
    )


def _count(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


async def exam_statistics(
    scope: ReportScope, f: ExamStatisticsFilter, by: tuple[Dimension, ...]
) -> list[ExamFigures]:
    """Exam and participant figures within `scope`, one row per combination of `by`."""
    by = tuple(dict.fromkeys(by))  # each dimension once, in the order asked
    sql = Statement()
    exams = _exams_cte(sql, scope, f)
    results = {r: f"p.result = '{r.value}'" for r in ParticipantResult}
    counts = (
        "counts AS (SELECT p.exam_id, COUNT(*) AS participants, "
        f"{_count(results[ParticipantResult.PASSED])} AS passed, "
        f"{_count(results[ParticipantResult.PARTIALLY_PASSED])} AS partially_passed, "
        f"{_count(results[ParticipantResult.FAILED])} AS failed, "
        f"{_count(results[ParticipantResult.ABSENT])} AS absent, "
        f"{_count(in_list('p.funding_code', STATE_FUNDED_CODES))} AS state_funded, "
        f"{_count('p.funding_code IS NULL')} AS without_funding_code "
        "FROM participant p JOIN scoped x ON x.id = p.exam_id GROUP BY p.exam_id)"
    )
    accepted = "x.accepted_at IS NOT NULL AND x.submitted_at IS NOT NULL"
    completed = "x.completed_at IS NOT NULL AND x.last_date IS NOT NULL"
    keys = [_DIMENSION_COLUMNS[d] for d in by]
    select_keys = "".join(f"x.{k} AS {k}, " for k in keys)
    group = f" GROUP BY {', '.join(f'x.{k}' for k in keys)}" if keys else ""
    order = f" ORDER BY {', '.join(f'x.{k}' for k in keys)}" if keys else ""
    seconds = sql.seconds_between("x.submitted_at", "x.accepted_at")
    days = sql.days_from_date_to_timestamp("x.last_date", "x.completed_at")
    rows = await sql.fetch(
        f"WITH {exams}, {counts} SELECT {select_keys}COUNT(*) AS exams, "
        "SUM(COALESCE(c.participants, 0)) AS participants, "
        "SUM(COALESCE(c.passed, 0)) AS passed, "
        "SUM(COALESCE(c.partially_passed, 0)) AS partially_passed, "
        "SUM(COALESCE(c.failed, 0)) AS failed, SUM(COALESCE(c.absent, 0)) AS absent, "
        "SUM(COALESCE(c.state_funded, 0)) AS state_funded, "
        "SUM(COALESCE(c.without_funding_code, 0)) AS without_funding_code, "
        f"{_count(accepted)} AS accepted_measured, "
        f"SUM(CASE WHEN {accepted} THEN {seconds} ELSE 0 END) AS acceptance_seconds, "
        f"{_count(completed)} AS completed_measured, "
        f"SUM(CASE WHEN {completed} THEN {days} ELSE 0 END) AS completion_days "
        f"FROM scoped x LEFT JOIN counts c ON c.exam_id = x.id{group}{order}"
    )
    return [_figures(row, by) for row in rows]


_COUNTS = (
    "exams participants passed partially_passed failed absent state_funded without_funding_code "
    "accepted_measured acceptance_seconds completed_measured completion_days"
).split()


def _figures(row: dict[str, Any], by: tuple[Dimension, ...]) -> ExamFigures:
    values: dict[str, Any] = {name: int(row[name] or 0) for name in _COUNTS}
    if Dimension.STATUS in by:
        values["status"] = ExamStatus(row["status"])
    for dimension, name in (
        (Dimension.STANDARD, "standard_id"),
        (Dimension.SCHOOL, "school_id"),
        (Dimension.AWARDING_BODY, "awarding_body_id"),
    ):
        if dimension in by:
            values[name] = row[name]
    if Dimension.YEAR in by:
        values["year"] = row["exam_year"]
    return ExamFigures(keys=by, **values)
