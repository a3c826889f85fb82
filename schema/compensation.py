"""Compensation of exam costs: the rate table and the report for a period (amounts in euro
cents, integers)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from models.compensation import CompensationRate as RateRow
from models.compensation import Rate
from models.compensation_report import (
    BodyTotal,
    FundingCategory,
    LineParticipant,
    MissingRate,
)
from models.compensation_report import (
    CompensationLine as Line,
)
from schema.curriculum import Curriculum
from schema.describe import described_enum
from schema.enums import ExamType, FundingCode, ParticipantResult
from schema.errors import UserError
from schema.info import Info
from schema.limits import column
from schema.loading import loaded
from schema.node import Node, to_global_id
from schema.organisation import AwardingBody, School
from schema.standard import Standard

if TYPE_CHECKING:
    from schema.exam import Exam
    from schema.participant import Participant

described_enum(
    MissingRate,
    description="Why a line has no rate.",
    values={
        MissingRate.NO_CURRICULUM_GROUP: "EHIS files the curriculum under no curriculum "
        "group, so no rate applies. Correct it in EHIS and import again.",
        MissingRate.NO_RATE_IN_FORCE: "The rate table has no rate for this curriculum group "
        "and exam type on the exam's date. The registry adds one.",
    },
)
described_enum(
    FundingCategory,
    description="Who pays for a participant's exam.",
    values={
        FundingCategory.COMPENSATED: "State funded (R, Z): the state compensates the awarding "
        "body.",
        FundingCategory.INVOICED_TO_SCHOOL: "Not state funded (M, T): the awarding body "
        "invoices the school.",
        FundingCategory.NOT_COMPENSATED: "No funding code (work-world applicants, people added "
        "by hand): not compensated.",
        FundingCategory.ABSENT: "Absent or without a result: nothing to pay for.",
    },
)

RATE_COLUMNS = (
    "id",
    "curriculum_group",
    "exam_type",
    "valid_from",
    "amount_cents",
    "basis",
    "created_at",
)

# A period's report by one awarding body stays within these; the CSV has everything.
LINES_COST_BOUND = 100
PARTICIPANTS_COST_BOUND = 60


@strawberry.type(
    description="A compensation ceiling per state-funded participant for one curriculum group "
    "and exam type, in force from `validFrom` until a later rate of the same group and type."
)
class CompensationRate(Node):
    pk: strawberry.Private[int]
    curriculum_group: str = strawberry.field(
        description="Curriculum group (õppekavarühm), an ISCED-F narrow field code."
    )
    exam_type: ExamType = strawberry.field(description="Exam type it applies to.")
    valid_from: date = strawberry.field(description="First day in force.")
    amount_cents: int = strawberry.field(description="Euro cents per state-funded participant.")
    basis: str | None = strawberry.field(description="Legal basis or note.")
    created_at: datetime | None = strawberry.field(default=None, description="When it was entered.")
    superseded_from: date | None = strawberry.field(
        default=None, description="First day of the rate that replaces it, if there is one."
    )

    @classmethod
    def from_row(cls, row: dict[str, Any], superseded_from: date | None = None) -> CompensationRate:
        return cls(
            id=to_global_id("CompensationRate", row["id"]),
            pk=row["id"],
            curriculum_group=row["curriculum_group"],
            exam_type=ExamType(row["exam_type"]),
            valid_from=row["valid_from"],
            amount_cents=row["amount_cents"],
            basis=row.get("basis"),
            created_at=row.get("created_at"),
            superseded_from=superseded_from,
        )

    @classmethod
    def of(cls, rate: Rate) -> CompensationRate:
        return cls(
            id=to_global_id("CompensationRate", rate.id),
            pk=rate.id,
            curriculum_group=rate.curriculum_group,
            exam_type=rate.exam_type,
            valid_from=rate.valid_from,
            amount_cents=rate.amount_cents,
            basis=None,
        )


@strawberry.type(description="A participant behind a compensation line, and who pays.")
class CompensationParticipant:
    participant_id: strawberry.Private[int]
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    funding_code: FundingCode | None = strawberry.field(
        description="EHIS funding code; null for work-world applicants and retakers."
    )
    result: ParticipantResult | None = strawberry.field(description="The result.")
    category: FundingCategory = strawberry.field(
        description="COMPENSATED (state funded, sat the exam), INVOICED_TO_SCHOOL (M or T), "
        "NOT_COMPENSATED (no funding code) or ABSENT (counted nowhere)."
    )

    @classmethod
    def of(cls, row: LineParticipant) -> CompensationParticipant:
        return cls(
            participant_id=row.participant_id,
            first_name=row.first_name,
            last_name=row.last_name,
            funding_code=FundingCode(row.funding_code) if row.funding_code else None,
            result=ParticipantResult(row.result) if row.result else None,
            category=row.category,
        )

    @strawberry.field(description="Global ID of the participant.")
    def id(self) -> strawberry.ID:
        return to_global_id("Participant", self.participant_id)

    participant: Annotated[Participant, strawberry.lazy("schema.participant")] | None = loaded(
        lambda loaders: loaders.participant.by_id, "participant_id", description="The participant."
    )


@strawberry.type(
    description="One exam on one group date in the period: the rate in force that day × the "
    "state-funded participants who sat the exam."
)
class CompensationLine:
    line: strawberry.Private[Line]
    exam_id: strawberry.Private[int]
    school_id: strawberry.Private[int]
    awarding_body_id: strawberry.Private[int]
    standard_id: strawberry.Private[int]
    curriculum_id: strawberry.Private[int]
    exam_date: date = strawberry.field(description="The group date this line is for.")
    curriculum_group: str | None = strawberry.field(
        description="The curriculum's group; null when EHIS gave none."
    )
    exam_type: ExamType = strawberry.field(description="The exam's type.")
    compensated_participants: int = strawberry.field(
        description="State-funded participants (R, Z) who sat the exam."
    )
    invoiced_to_school_participants: int = strawberry.field(
        description="Participants with funding codes M or T who sat the exam: the school's bill."
    )
    not_compensated_participants: int = strawberry.field(
        description="Participants with no funding code who sat it (work-world applicants, "
        "retakers)."
    )
    absent_participants: int = strawberry.field(description="Absent: counted nowhere.")
    amount_cents: int | None = strawberry.field(
        description="Rate × compensated participants, in cents; null when there is no rate."
    )
    missing_rate: MissingRate | None = strawberry.field(
        description="Why there is no rate; null when there is one."
    )

    @classmethod
    def of(cls, line: Line) -> CompensationLine:
        return cls(
            line=line,
            exam_id=line.exam_id,
            school_id=line.school_id,
            awarding_body_id=line.awarding_body_id,
            standard_id=line.standard_id,
            curriculum_id=line.curriculum_id,
            exam_date=line.exam_date,
            curriculum_group=line.curriculum_group,
            exam_type=line.exam_type,
            compensated_participants=line.compensated,
            invoiced_to_school_participants=line.invoiced_to_school,
            not_compensated_participants=line.not_compensated,
            absent_participants=line.absent,
            amount_cents=line.amount_cents,
            missing_rate=line.missing_rate,
        )

    @strawberry.field(description="The rate used; null when none was in force.")
    def rate(self) -> CompensationRate | None:
        return CompensationRate.of(self.line.rate) if self.line.rate else None

    exam: Annotated[Exam, strawberry.lazy("schema.exam")] | None = loaded(
        lambda loaders: loaders.exam.by_id, "exam_id", description="The exam."
    )
    school: School | None = loaded(
        lambda loaders: loaders.organisation.school, "school_id", description="The exam's school."
    )
    awarding_body: AwardingBody | None = loaded(
        lambda loaders: loaders.organisation.awarding_body,
        "awarding_body_id",
        description="The awarding body compensated.",
    )
    standard: Standard | None = loaded(
        lambda loaders: loaders.standard.by_id, "standard_id", description="The standard."
    )
    curriculum: Curriculum | None = loaded(
        lambda loaders: loaders.curriculum.by_id, "curriculum_id", description="The curriculum."
    )

    @strawberry.field(
        description="The participants of the exam's groups on this date, by name.",
        metadata={"cost_bound": PARTICIPANTS_COST_BOUND},
    )
    async def participants(self, info: Info) -> list[CompensationParticipant]:
        line = (self.exam_id, self.exam_date)
        return await info.context.loaders.compensation.line_participants.load(line)


@strawberry.type(description="An awarding body's compensation for the period.")
class CompensationBodyTotal:
    awarding_body_id: strawberry.Private[int]
    exams: int = strawberry.field(description="Exams counted.")
    lines: int = strawberry.field(description="Lines (exam × group date).")
    compensated_participants: int = strawberry.field(
        description="State-funded participants who sat, on all lines."
    )
    amount_cents: int = strawberry.field(
        description="Total of the lines that have a rate, in euro cents."
    )
    lines_without_rate: int = strawberry.field(description="Lines with no rate: not in total.")
    compensated_participants_without_rate: int = strawberry.field(
        description="State-funded participants on lines with no rate."
    )
    invoiced_to_school_participants: int = strawberry.field(
        description="Participants with funding codes M or T who sat: invoiced to schools."
    )
    not_compensated_participants: int = strawberry.field(
        description="Participants with no funding code who sat."
    )

    @classmethod
    def of(cls, total: BodyTotal) -> CompensationBodyTotal:
        return cls(
            awarding_body_id=total.awarding_body_id,
            exams=len(total.exam_ids),
            lines=total.lines,
            compensated_participants=total.compensated,
            amount_cents=total.amount_cents,
            lines_without_rate=total.lines_without_rate,
            compensated_participants_without_rate=total.compensated_without_rate,
            invoiced_to_school_participants=total.invoiced_to_school,
            not_compensated_participants=total.not_compensated,
        )

    awarding_body: AwardingBody | None = loaded(
        lambda loaders: loaders.organisation.awarding_body,
        "awarding_body_id",
        description="The awarding body.",
    )


@strawberry.type(
    description="Compensation of exam costs for a period: COMPLETED exams whose group dates "
    "fall in it, per awarding body and per exam and group date. Amounts are euro cents."
)
class CompensationReport:
    date_from: date = strawberry.field(description="First day of the period.")
    date_to: date = strawberry.field(description="Last day of the period.")
    amount_cents: int = strawberry.field(description="Total of every line that has a rate.")
    lines_without_rate: int = strawberry.field(description="Lines with no rate.")
    awarding_bodies: list[CompensationBodyTotal] = strawberry.field(
        description="Totals per awarding body.", metadata={"cost_bound": LINES_COST_BOUND}
    )
    lines: list[CompensationLine] = strawberry.field(
        description="Every exam and group date counted.",
        metadata={"cost_bound": LINES_COST_BOUND},
    )


@strawberry.input(description="A new compensation rate.")
class CompensationRateInput:
    curriculum_group: str = strawberry.field(
        description="Curriculum group: a four-digit ISCED-F code, e.g. '0715'.",
        metadata=column(RateRow, "curriculum_group"),
    )
    exam_type: ExamType = strawberry.field(description="The exam type.")
    valid_from: date = strawberry.field(description="First day in force.")
    amount_cents: int = strawberry.field(
        description="Euro cents per state-funded participant (12 345 = 123,45 €)."
    )
    basis: str | None = strawberry.field(
        default=None, description="Legal basis or note.", metadata=column(RateRow, "basis")
    )


@strawberry.input(description="A rate that replaces another from a later day.")
class CompensationRateSupersedeInput:
    valid_from: date = strawberry.field(description="First day of the new rate.")
    amount_cents: int = strawberry.field(description="Euro cents per state-funded participant.")
    basis: str | None = strawberry.field(
        default=None, description="Legal basis or note.", metadata=column(RateRow, "basis")
    )


@strawberry.type(description="Result of a change to the rate table.")
class CompensationRatePayload:
    rate: CompensationRate | None = strawberry.field(description="The new rate.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")
