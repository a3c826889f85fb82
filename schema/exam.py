"""Exams and their history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from models.exam import Exam as ExamRow
from schema.connection import Connection
from schema.curriculum import Curriculum
from schema.enums import ExamStatus, ExamType, Role
from schema.errors import UserError
from schema.group import ExamGroup
from schema.info import Info
from schema.limits import SEARCH, TEXT, at_most, column
from schema.loading import loaded
from schema.node import Node, to_global_id
from schema.organisation import AwardingBody, School
from schema.participant import EligibleStudent, Participant
from schema.person import Person
from schema.protocol import Protocol
from schema.standard import Standard

EXAM_COLUMNS = (
    "id",
    "status",
    "exam_type",
    "version",
    "graduation_date",
    "language",
    "final_course",
    "comment",
    "return_reason",
    "submitted_at",
    "accepted_at",
    "assessed_at",
    "completed_at",
    "cancelled_at",
    "created_at",
    "school_id",
    "awarding_body_id",
    "curriculum_id",
    "standard_id",
    "responsible_id",
)


@strawberry.type(description="A recorded change to an exam: who, when, what, before and after.")
class AuditEvent(Node):
    at: datetime = strawberry.field(description="When the change was made.")
    actor: Person | None = strawberry.field(description="Who made it; null for the system.")
    actor_role: Role | None = strawberry.field(description="The role they acted in.")
    action: str = strawberry.field(description="What was done, e.g. 'exam.submit'.")
    entity: str = strawberry.field(description="What kind of object changed.")
    before: JSON | None = strawberry.field(description="The changed values before.")
    after: JSON | None = strawberry.field(description="The changed values after.")


@strawberry.type(description="A vocational qualification exam (kutseeksam).")
class Exam(Node):
    pk: strawberry.Private[int]
    school_id: strawberry.Private[int]
    awarding_body_id: strawberry.Private[int]
    curriculum_id: strawberry.Private[int]
    standard_id: strawberry.Private[int]
    responsible_id: strawberry.Private[int]
    status: ExamStatus = strawberry.field(description="Where the exam is in its lifecycle.")
    exam_type: ExamType = strawberry.field(
        description="Theory, practical or combined; decides the compensation rate."
    )
    version: int = strawberry.field(description="Pass it back when changing the exam.")
    graduation_date: date = strawberry.field(description="Graduation ceremony date (lõpuaktus).")
    language: str = strawberry.field(description="Language of the exam (ISO 639-1).")
    final_course: int = strawberry.field(description="Final course (lõpukursus).")
    comment: str | None = strawberry.field(
        description="The school's comment to the awarding body (required with special needs)."
    )
    return_reason: str | None = strawberry.field(
        description="Why the awarding body returned the exam, if it did."
    )
    created_at: datetime = strawberry.field(description="When the exam was created.")
    submitted_at: datetime | None = strawberry.field(description="When it was submitted.")
    accepted_at: datetime | None = strawberry.field(description="When it was accepted.")
    assessed_at: datetime | None = strawberry.field(description="When it was assessed.")
    completed_at: datetime | None = strawberry.field(description="When it was completed.")
    cancelled_at: datetime | None = strawberry.field(description="When it was cancelled.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Exam:
        return cls(
            id=to_global_id("Exam", row["id"]),
            pk=row["id"],
            **{key: row[key] for key in EXAM_COLUMNS if key != "id"},
        )

    school: School = loaded(
        lambda loaders: loaders.organisation.school,
        "school_id",
        description="The school that created the exam.",
    )

    awarding_body: AwardingBody = loaded(
        lambda loaders: loaders.organisation.awarding_body,
        "awarding_body_id",
        description="The awarding body that organises and assesses it.",
    )

    curriculum: Curriculum = loaded(
        lambda loaders: loaders.curriculum.by_id,
        "curriculum_id",
        description="The curriculum the participants studied.",
    )

    standard: Standard = loaded(
        lambda loaders: loaders.standard.by_id,
        "standard_id",
        description="The standard (version) the exam assesses.",
    )

    responsible: Person = loaded(
        lambda loaders: loaders.person.by_id,
        "responsible_id",
        description="The school's responsible person (vastutaja).",
    )

    groups: list[ExamGroup] = loaded(
        lambda loaders: loaders.group.by_exam,
        "pk",
        description="Groups of the exam (an assessor sees only their own).",
        cost_bound=20,
    )

    @strawberry.field(description="Participants of the exam, by last name.")
    async def participants(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Part of a first or last name, or the start of a personal code.",
                metadata=at_most(SEARCH),
            ),
        ] = None,
    ) -> Connection[Participant]:
        return await info.context.loaders.participant.of_exam(
            self.pk, first=first, after=after, search=search
        )

    @strawberry.field(
        description="EHIS students who may be added: final course, or over time up to a year "
        "after their studies ended, and in no other open exam."
    )
    async def eligible_students(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Part of a first or last name, or the start of a personal code.",
                metadata=at_most(SEARCH),
            ),
        ] = None,
    ) -> Connection[EligibleStudent]:
        return await info.context.loaders.participant.eligible_students(
            self, first=first, after=after, search=search
        )

    protocols: list[Protocol] = loaded(
        lambda loaders: loaders.protocol.by_exam,
        "pk",
        description="Assessment and commission protocols.",
        cost_bound=21,
    )

    @strawberry.field(
        description="Earlier participations that may come back as retakers (a failed, absent "
        "or partial result of this standard within a year); for the awarding body."
    )
    async def retaker_candidates(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[Participant]:
        return await info.context.loaders.participant.retaker_candidates(
            self, first=first, after=after
        )

    @strawberry.field(description="The audit trail, newest first.")
    async def history(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[AuditEvent]:
        return await info.context.loaders.exam.history(self.pk, first=first, after=after)


@strawberry.input(description="Filters for the exam list.")
class ExamFilter:
    status: list[ExamStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    curriculum: strawberry.ID | None = strawberry.field(default=None, description="Curriculum.")
    standard: strawberry.ID | None = strawberry.field(default=None, description="Standard.")
    graduation_from: date | None = strawberry.field(
        default=None, description="Graduation date on or after."
    )
    graduation_until: date | None = strawberry.field(
        default=None, description="Graduation date on or before."
    )


@strawberry.input(description="A new exam (the school's form in seed 000).")
class ExamCreateInput:
    curriculum: strawberry.ID = strawberry.field(description="The school's curriculum.")
    standard: strawberry.ID = strawberry.field(description="A standard linked to it in EHIS.")
    awarding_body: strawberry.ID | None = strawberry.field(
        default=None, description="Needed when the standard has several awarding bodies."
    )
    graduation_date: date = strawberry.field(description="Graduation ceremony date.")
    final_course: int = strawberry.field(description="Final course (lõpukursus).")
    responsible: strawberry.ID = strawberry.field(description="The school's responsible user.")
    language: str = strawberry.field(
        default="et", description="et, ru or en.", metadata=column(ExamRow, "language")
    )
    comment: str | None = strawberry.field(
        default=None, description="Comment for the body.", metadata=at_most(TEXT)
    )
    exam_type: ExamType = strawberry.field(
        default=ExamType.COMBINED, description="Theory, practical or combined (the default)."
    )


@strawberry.input(description="Changes to an exam; fields left out stay as they are.")
class ExamUpdateInput:
    graduation_date: date | None = strawberry.field(default=None, description="New date.")
    final_course: int | None = strawberry.field(default=None, description="New final course.")
    responsible: strawberry.ID | None = strawberry.field(
        default=None, description="New responsible user."
    )
    language: str | None = strawberry.field(
        default=None, description="New language.", metadata=column(ExamRow, "language")
    )
    comment: str | None = strawberry.field(
        default=None, description="New comment.", metadata=at_most(TEXT)
    )
    exam_type: ExamType | None = strawberry.field(default=None, description="New exam type.")


@strawberry.type(description="Result of a change to an exam.")
class ExamPayload:
    exam: Exam | None = strawberry.field(description="The exam after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")
    warnings: list[UserError] = strawberry.field(
        description="Advice that did not stop the change (e.g. no free place for retakers)."
    )


@strawberry.type(description="Result of examDelete.")
class ExamDeletePayload:
    deleted_exam_id: strawberry.ID | None = strawberry.field(description="The deleted exam.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was deleted.")
