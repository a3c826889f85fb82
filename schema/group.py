"""Exam groups and their assessment committees."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import strawberry

from models.group import MAX_GROUP_LIMIT
from models.group import ExamGroup as GroupRow
from schema.enums import CommitteeRole
from schema.errors import UserError
from schema.info import Info
from schema.limits import column
from schema.loading import loaded
from schema.node import Node, to_global_id
from schema.participant import Participant
from schema.person import Person

GROUP_COLUMNS = (
    "id",
    "exam_id",
    "name",
    "limit",
    "language",
    "date",
    "time",
    "place",
    "room",
    "version",
)


@strawberry.type(description="A member of an assessment committee.")
class CommitteeMember:
    role: CommitteeRole = strawberry.field(description="The member's place in the committee.")
    person: Person = strawberry.field(description="The member.")


@strawberry.type(description="A group of participants sitting the exam together.")
class ExamGroup(Node):
    pk: strawberry.Private[int]
    exam_id: strawberry.Private[int]
    name: str = strawberry.field(description="Name, e.g. 'Keevitaja, tase 4 (G1)'.")
    limit: int = strawberry.field(description="Most participants the group takes.")
    language: str = strawberry.field(description="Language of the exam (ISO 639-1).")
    date: date | None = strawberry.field(description="Exam day.")
    time: time | None = strawberry.field(description="Start time.")
    place: str | None = strawberry.field(description="Place (toimumiskoht).")
    room: str | None = strawberry.field(description="Room.")
    version: int = strawberry.field(description="Pass it back when changing the group.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ExamGroup:
        return cls(
            id=to_global_id("ExamGroup", row["id"]),
            pk=row["id"],
            exam_id=row["exam_id"],
            name=row["name"],
            limit=row["limit"],
            language=row["language"],
            date=row["date"],
            time=row["time"],
            place=row["place"],
            room=row["room"],
            version=row["version"],
        )

    participants: list[Participant] = loaded(
        lambda loaders: loaders.participant.by_group,
        "pk",
        description="Participants in the group, by last name (bounded by the group limit).",
        cost_bound=MAX_GROUP_LIMIT,
    )

    @strawberry.field(description="How many participants the group has.")
    async def participant_count(self, info: Info) -> int:
        return len(await info.context.loaders.participant.by_group.load(self.pk))

    @strawberry.field(description="Free places left for retakers and work-world applicants.")
    async def free_places(self, info: Info) -> int:
        return self.limit - len(await info.context.loaders.participant.by_group.load(self.pk))

    committee: list[CommitteeMember] = loaded(
        lambda loaders: loaders.group.committee,
        "pk",
        description="The assessment committee.",
        cost_bound=7,
    )


@strawberry.input(description="A new group.")
class GroupCreateInput:
    name: str = strawberry.field(
        description="Name, e.g. 'Keevitaja, tase 4 (G1)'.", metadata=column(GroupRow, "name")
    )
    limit: int = strawberry.field(description="Places; a few above the participants.")
    language: str = strawberry.field(
        default="et", description="Language of the exam.", metadata=column(GroupRow, "language")
    )
    date: date | None = strawberry.field(default=None, description="Exam day.")
    time: time | None = strawberry.field(default=None, description="Start time.")
    place: str | None = strawberry.field(
        default=None, description="Place.", metadata=column(GroupRow, "place")
    )
    room: str | None = strawberry.field(
        default=None, description="Room.", metadata=column(GroupRow, "room")
    )


@strawberry.input(description="Changes to a group; the awarding body may set place and time.")
class GroupUpdateInput:
    name: str | None = strawberry.field(
        default=None, description="New name.", metadata=column(GroupRow, "name")
    )
    limit: int | None = strawberry.field(default=None, description="New limit.")
    language: str | None = strawberry.field(
        default=None, description="New language.", metadata=column(GroupRow, "language")
    )
    date: date | None = strawberry.field(default=None, description="New day.")
    time: time | None = strawberry.field(default=None, description="New start time.")
    place: str | None = strawberry.field(
        default=None, description="New place.", metadata=column(GroupRow, "place")
    )
    room: str | None = strawberry.field(
        default=None, description="New room.", metadata=column(GroupRow, "room")
    )


@strawberry.type(description="Result of a change to a group.")
class GroupPayload:
    group: ExamGroup | None = strawberry.field(description="The group after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")
    warnings: list[UserError] = strawberry.field(
        default_factory=list,
        description="Advice that did not stop the change (e.g. SHORT_NOTICE: the exam day is "
        "less than a month ahead).",
    )


@strawberry.type(description="Result of groupDelete.")
class GroupDeletePayload:
    deleted_group_id: strawberry.ID | None = strawberry.field(description="The deleted group.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was deleted.")


@strawberry.input(description="A member of an assessment committee.")
class CommitteeMemberInput:
    person: strawberry.ID = strawberry.field(description="An assessor of the awarding body.")
    role: CommitteeRole = strawberry.field(description="Their place in the committee.")
