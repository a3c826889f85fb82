"""Figures: the register's public ones, and exam statistics for the roles that report."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from models.enums import ParticipantResult
from models.statistics import Dimension, ExamFigures
from schema.describe import described_enum
from schema.enums import ExamStatus
from schema.info import Info
from schema.loading import loaded
from schema.organisation import AwardingBody, School
from schema.standard import Standard

described_enum(
    Dimension,
    name="StatisticsDimension",
    description="What to group figures by.",
    values={
        Dimension.STATUS: "The exam's status.",
        Dimension.STANDARD: "The standard (version) assessed.",
        Dimension.SCHOOL: "The school that created the exam.",
        Dimension.AWARDING_BODY: "The awarding body that organised it.",
        Dimension.YEAR: "The year of the exam's date (its first group's date).",
    },
)

# Enough rows for a year's figures by school or by standard; the cost limit counts on it.
STATISTICS_COST_BOUND = 100


@strawberry.input(description="Which exams the figures count; all given conditions must hold.")
class ExamStatisticsFilter:
    date_from: date | None = strawberry.field(
        default=None, description="Exam date (the first group's date) on or after."
    )
    date_to: date | None = strawberry.field(
        default=None, description="Exam date (the first group's date) on or before."
    )
    status: list[ExamStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    school: strawberry.ID | None = strawberry.field(default=None, description="One school.")
    awarding_body: strawberry.ID | None = strawberry.field(
        default=None, description="One awarding body."
    )
    standard: strawberry.ID | None = strawberry.field(
        default=None, description="One standard version."
    )


@strawberry.type(
    description="Exam and participant figures of one group of exams. Keys are null when the "
    "figures are not grouped by them. Rates are per cent of the participants with a result, "
    "with one decimal, rounded half up."
)
class ExamStatistics:
    figures: strawberry.Private[ExamFigures]
    status: ExamStatus | None = strawberry.field(description="The exams' status (STATUS).")
    year: int | None = strawberry.field(description="The year of the exam date (YEAR).")
    standard_id: strawberry.Private[int | None]
    school_id: strawberry.Private[int | None]
    awarding_body_id: strawberry.Private[int | None]

    @classmethod
    def of(cls, figures: ExamFigures) -> ExamStatistics:
        return cls(
            figures=figures,
            status=figures.status,
            year=figures.year,
            standard_id=figures.standard_id,
            school_id=figures.school_id,
            awarding_body_id=figures.awarding_body_id,
        )

    standard: Standard | None = loaded(
        lambda loaders: loaders.standard.by_id,
        "standard_id",
        description="The standard (STANDARD).",
    )
    school: School | None = loaded(
        lambda loaders: loaders.organisation.school, "school_id", description="The school (SCHOOL)."
    )
    awarding_body: AwardingBody | None = loaded(
        lambda loaders: loaders.organisation.awarding_body,
        "awarding_body_id",
        description="The awarding body (AWARDING_BODY).",
    )

    @strawberry.field(description="Exams.")
    def exams(self) -> int:
        return self.figures.exams

    @strawberry.field(description="Participants of these exams.")
    def participants(self) -> int:
        return self.figures.participants

    @strawberry.field(description="Participants who passed.")
    def passed(self) -> int:
        return self.figures.passed

    @strawberry.field(description="Participants who partially passed (osaliselt sooritatud).")
    def partially_passed(self) -> int:
        return self.figures.partially_passed

    @strawberry.field(description="Participants who failed.")
    def failed(self) -> int:
        return self.figures.failed

    @strawberry.field(description="Participants who were absent.")
    def absent(self) -> int:
        return self.figures.absent

    @strawberry.field(description="Participants with no result yet.")
    def without_result(self) -> int:
        return self.figures.without_result

    @strawberry.field(description="Passed, per cent of those with a result.")
    def pass_rate(self) -> float | None:
        return self.figures.rate(ParticipantResult.PASSED)

    @strawberry.field(description="Partially passed, per cent of those with a result.")
    def partial_pass_rate(self) -> float | None:
        return self.figures.rate(ParticipantResult.PARTIALLY_PASSED)

    @strawberry.field(description="Failed, per cent of those with a result.")
    def fail_rate(self) -> float | None:
        return self.figures.rate(ParticipantResult.FAILED)

    @strawberry.field(description="Absent, per cent of those with a result.")
    def absence_rate(self) -> float | None:
        return self.figures.rate(ParticipantResult.ABSENT)

    @strawberry.field(description="State-funded participants (RE-jah: funding codes R and Z).")
    def state_funded(self) -> int:
        return self.figures.state_funded

    @strawberry.field(
        description="Participants not state funded (RE-ei): funding codes M and T, and those "
        "with no funding code."
    )
    def not_state_funded(self) -> int:
        return self.figures.not_state_funded

    @strawberry.field(
        description="Of those not state funded: no funding code (work-world applicants, retakers)."
    )
    def without_funding_code(self) -> int:
        return self.figures.without_funding_code

    @strawberry.field(description="Exams with both a submission and an acceptance time.")
    def accepted_exams(self) -> int:
        return self.figures.accepted_measured

    @strawberry.field(
        description="Average days from submission to acceptance (one decimal, half up)."
    )
    def average_days_to_acceptance(self) -> float | None:
        return self.figures.average_days_to_acceptance

    @strawberry.field(description="Completed exams with a group date.")
    def completed_exams(self) -> int:
        return self.figures.completed_measured

    @strawberry.field(
        description="Average days from the exam (its last group's date) to the signed "
        "commission protocol (the UTC date of completion; one decimal, half up)."
    )
    def average_days_to_commission_protocol(self) -> float | None:
        return self.figures.average_days_to_commission_protocol


@strawberry.type(
    description="The register's figures, computed from the data. The home-page figures are "
    "public; exam statistics are for the registry, and for a school or awarding body about "
    "its own exams."
)
class Statistics:
    valid_standards: int = strawberry.field(
        description="Standards valid today (counted by code: versions of one standard once)."
    )
    occupational_areas: int = strawberry.field(
        description="Occupational areas (kutsealad) the valid standards cover."
    )
    certificates_issued: int = strawberry.field(
        description="Certificates (kutsetunnistused) issued, not counting qualifications "
        "recorded on school-leaving documents."
    )
    certificates_valid: int = strawberry.field(
        description="Of the certificates issued, those valid today."
    )
    partial_certificates_issued: int = strawberry.field(
        description="Partial certificates (osakutsetunnistused) issued, not counting those "
        "recorded on school-leaving documents."
    )
    school_leaving_qualifications: int = strawberry.field(
        description="Qualifications (full or partial) recorded on school-leaving documents."
    )

    @strawberry.field(
        description="Exam and participant figures, one row per combination of `groupBy` (one "
        "row of totals without it). Null with a FORBIDDEN error for the public, assessors "
        "and commission chairs.",
        metadata={"cost_bound": STATISTICS_COST_BOUND},
    )
    async def exams(
        self,
        info: Info,
        filter: ExamStatisticsFilter | None = None,
        group_by: Annotated[
            list[Dimension] | None, strawberry.argument(description="Group by these, in order.")
        ] = None,
    ) -> list[ExamStatistics] | None:
        return await info.context.loaders.statistics.exams(filter, group_by or [])
