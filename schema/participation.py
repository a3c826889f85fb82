"""The examinee's own view of their participations (no granted role needed)."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.appeal import Appeal
from schema.enums import ParticipantResult


@strawberry.type(description="Points for one part of the exam.")
class PartPoints:
    part: str = strawberry.field(description="The part, as the awarding body names it.")
    points: int = strawberry.field(description="Points given.")


@strawberry.type(
    description="One of the signed-in person's own exams, as they see it: the result once "
    "the assessment protocol is signed, the decision once announced."
)
class MyParticipation:
    id: strawberry.ID = strawberry.field(
        description="The participation (a Participant ID): file appeals against it."
    )
    standard_name: str = strawberry.field(description="The standard examined.")
    curriculum_name: str | None = strawberry.field(description="The curriculum, if any.")
    school_name: str = strawberry.field(description="The school that organised the exam.")
    awarding_body_name: str = strawberry.field(description="The awarding body.")
    group_name: str | None = strawberry.field(description="The group, once placed.")
    date: dt.date | None = strawberry.field(description="The day of the exam.")
    time: dt.time | None = strawberry.field(description="Its start time (Estonian time).")
    place: str | None = strawberry.field(description="Where.")
    room: str | None = strawberry.field(description="Which room.")
    language: str = strawberry.field(description="The language of the exam (ISO 639-1).")
    result_announced: bool = strawberry.field(
        description="Whether the group's assessment protocol is signed."
    )
    result: ParticipantResult | None = strawberry.field(
        description="The result; null until the assessment protocol is signed."
    )
    score: int | None = strawberry.field(description="Total points; null until announced.")
    points: list[PartPoints] | None = strawberry.field(
        description="Points per part; null until announced."
    )
    decision_announced: bool = strawberry.field(
        description="Whether the commission protocol is signed (the decision announced)."
    )
    awarded: bool | None = strawberry.field(
        description="The commission's decision: qualification awarded; null until announced."
    )
    partial_qualification: str | None = strawberry.field(
        description="The partial qualification awarded, if that was the decision."
    )
    specialisation: str | None = strawberry.field(description="Specialisation awarded, if any.")
    commission_protocol_number: str | None = strawberry.field(
        description="The signed commission protocol's number, once announced."
    )
    result_appeal_deadline: dt.date | None = strawberry.field(
        description="The last day to appeal against the result; null until announced."
    )
    decision_appeal_deadline: dt.date | None = strawberry.field(
        description="The last day to appeal against the decision; null until announced."
    )
    appeals: list[Appeal] = strawberry.field(description="Appeals filed on this participation.")
