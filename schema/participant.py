"""Exam participants and the students eligible to become one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from models.enums import FundingCode as FundingCodeValue
from schema.enums import FundingCode, ParticipantKind, ParticipantResult
from schema.errors import UserError
from schema.guards import PERSONAL_DATA, guarded
from schema.loading import loaded
from schema.node import Node, to_global_id
from schema.person import Person

if TYPE_CHECKING:
    from schema.group import ExamGroup

# Columns a participant row is built from (person columns joined in, one query per batch).
PARTICIPANT_COLUMNS = {
    "id": "id",
    "exam_id": "exam_id",
    "group_id": "group_id",
    "kind": "kind",
    "course": "course",
    "funding_code": "funding_code",
    "special_needs": "special_needs",
    "result": "result",
    "score": "score",
    "language": "language",
    "version": "version",
    "person_id": "person_id",
    "person_first_name": "person__first_name",
    "person_last_name": "person__last_name",
    "person_personal_code": "person__personal_code",
}


@strawberry.type(description="A person taking an exam.")
class Participant(Node):
    pk: strawberry.Private[int]
    group_id: strawberry.Private[int | None]
    personal_data_visible: strawberry.Private[bool]
    kind: ParticipantKind = strawberry.field(
        description="Graduate, work-world applicant or retaker."
    )
    course: int | None = strawberry.field(description="Course (year of study) when added.")
    language: str = strawberry.field(description="Language of study (ISO 639-1).")
    version: int = strawberry.field(description="Pass it back when changing the participant.")
    person: Person = strawberry.field(description="Who the participant is.")
    funding_code: FundingCode | None = guarded(
        PERSONAL_DATA, description="EHIS funding code when added; null for work-world applicants."
    )
    state_funded: bool | None = guarded(
        PERSONAL_DATA, description="Whether the state pays for the exam (funding code R or Z)."
    )
    special_needs: bool | None = guarded(
        PERSONAL_DATA, description="Special educational needs (HEV)."
    )
    result: ParticipantResult | None = guarded(
        PERSONAL_DATA, description="Result; null until assessed."
    )
    score: int | None = guarded(PERSONAL_DATA, description="Total points; null until assessed.")

    @classmethod
    def from_row(cls, row: dict[str, Any], *, visible: bool) -> Participant:
        funding = row["funding_code"]
        return cls(
            id=to_global_id("Participant", row["id"]),
            pk=row["id"],
            group_id=row["group_id"],
            personal_data_visible=visible,
            kind=row["kind"],
            course=row["course"],
            language=row["language"],
            version=row["version"],
            person=Person.from_row(row, prefix="person_", code_visible=visible),
            funding_code=funding if visible else None,
            state_funded=(funding is not None and FundingCodeValue(funding).state_funded)
            if visible
            else None,
            special_needs=row["special_needs"] if visible else None,
            result=row["result"] if visible else None,
            score=row["score"] if visible else None,
        )

    group: Annotated[ExamGroup, strawberry.lazy("schema.group")] | None = loaded(
        lambda loaders: loaders.group.by_id,
        "group_id",
        description="The group the participant sits the exam in, if any.",
    )


@strawberry.type(description="An EHIS student who may be added to the exam.")
class EligibleStudent(Node):
    person: Person = strawberry.field(description="The student.")
    course: int = strawberry.field(description="Course (year of study).")
    over_time: bool = strawberry.field(
        description="Course above the nominal duration: a previous period's student."
    )
    funding_code: FundingCode = strawberry.field(description="EHIS funding code.")
    special_needs: bool = strawberry.field(description="Special educational needs (HEV).")


@strawberry.type(description="Result of adding students to an exam.")
class ParticipantsAddPayload:
    participants: list[Participant] = strawberry.field(description="The new participants.")
    user_errors: list[UserError] = strawberry.field(description="Why nobody was added.")


@strawberry.type(description="Result of removing a participant.")
class ParticipantRemovePayload:
    removed_participant_id: strawberry.ID | None = strawberry.field(
        description="The removed participant; the student is eligible again."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was removed.")


@strawberry.type(description="Result of a change to one participant.")
class ParticipantPayload:
    participant: Participant | None = strawberry.field(description="The participant after it.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.type(description="Result of distributing participants into groups.")
class DistributePayload:
    placed_count: int = strawberry.field(description="How many participants were placed.")
    user_errors: list[UserError] = strawberry.field(description="Why nobody was placed.")


@strawberry.input(description="Points for one part of the scoring scheme.")
class PartScoreInput:
    part: str = strawberry.field(description="The part's code, e.g. 'technology'.")
    points: int = strawberry.field(description="Points given.")
