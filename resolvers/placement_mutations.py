"""Mutations that place participants and record their assessment."""

from __future__ import annotations

from typing import Annotated

import strawberry

from integrations.population_register import PopulationRegister
from models.person import Person
from models.workflow import assessment, placement
from resolvers.ids import pk_of
from resolvers.mutations import attempt, fresh_loaders
from resolvers.participant_mutations import participants_payload
from schema.group import CommitteeMemberInput, GroupPayload
from schema.info import Info
from schema.limits import TEXT, at_most, column
from schema.participant import (
    DistributePayload,
    ParticipantPayload,
    ParticipantsAddPayload,
    PartScoreInput,
)

ExamArg = Annotated[strawberry.ID, strawberry.argument(description="The exam.")]
GroupArg = Annotated[strawberry.ID, strawberry.argument(description="The group.")]
ParticipantArg = Annotated[strawberry.ID, strawberry.argument(description="The participant.")]
Version = Annotated[int, strawberry.argument(description="The version you read.")]


async def _participant(info: Info, created: object, errors: list) -> ParticipantPayload:
    found = None
    if created is not None:
        found = await fresh_loaders(info).participant.by_id.load(created.id)  # type: ignore[attr-defined]
    return ParticipantPayload(participant=found, user_errors=errors)


def _register(info: Info) -> PopulationRegister:
    register = info.context.register
    if register is None:  # the app always sets one (app/asgi.py)
        raise RuntimeError("no population register in the request context")
    return register


@strawberry.type
class PlacementMutation:
    @strawberry.mutation(
        description="The school puts every participant in no group into groups with free "
        "places (groups by name, participants by name): all of them or none."
    )
    async def exam_participants_distribute(
        self,
        info: Info,
        exam: ExamArg,
        version: Annotated[
            int | None, strawberry.argument(description="The exam version you read.")
        ] = None,
    ) -> DistributePayload:
        placed, errors = await attempt(
            placement.distribute(
                info.context.viewer, pk_of(exam, "Exam", argument="exam"), version=version
            )
        )
        return DistributePayload(placed_count=placed or 0, user_errors=errors)

    @strawberry.mutation(
        description="Move a participant to another group (or none): the school while it "
        "builds the exam, the awarding body once it has accepted it."
    )
    async def participant_move(
        self,
        info: Info,
        id: ParticipantArg,
        group: Annotated[
            strawberry.ID | None, strawberry.argument(description="The new group, or none.")
        ],
        version: Annotated[
            int | None, strawberry.argument(description="The participant version you read.")
        ] = None,
    ) -> ParticipantPayload:
        moved, errors = await attempt(
            placement.move_participant(
                info.context.viewer,
                pk_of(id, "Participant"),
                pk_of(group, "ExamGroup", argument="group"),
                version=version,
            )
        )
        return await _participant(info, moved, errors)

    @strawberry.mutation(
        description="The awarding body adds a work-world applicant into a free place: never a "
        "graduate, never state funded; the personal code is checked."
    )
    async def exam_work_world_applicant_add(
        self,
        info: Info,
        exam: ExamArg,
        group: GroupArg,
        personal_code: Annotated[
            str,
            strawberry.argument(description="Isikukood.", metadata=column(Person, "personal_code")),
        ],
        first_name: Annotated[
            str,
            strawberry.argument(description="First name.", metadata=column(Person, "first_name")),
        ],
        last_name: Annotated[
            str, strawberry.argument(description="Last name.", metadata=column(Person, "last_name"))
        ],
        email: Annotated[
            str | None,
            strawberry.argument(description="For notifications.", metadata=column(Person, "email")),
        ] = None,
    ) -> ParticipantPayload:
        created, errors = await attempt(
            placement.add_work_world_applicant(
                info.context.viewer,
                pk_of(exam, "Exam", argument="exam"),
                pk_of(group, "ExamGroup", argument="group"),
                personal_code=personal_code,
                first_name=first_name,
                last_name=last_name,
                register=_register(info),
                email=email,
            )
        )
        return await _participant(info, created, errors)

    @strawberry.mutation(
        description="The awarding body adds retakers: participants who failed, were absent or "
        "passed partly in an earlier exam of the same standard within a year."
    )
    async def exam_retakers_add(
        self,
        info: Info,
        exam: ExamArg,
        group: GroupArg,
        participants: Annotated[
            list[strawberry.ID], strawberry.argument(description="Their earlier participations.")
        ],
    ) -> ParticipantsAddPayload:
        created, errors = await attempt(
            placement.add_retakers(
                info.context.viewer,
                pk_of(exam, "Exam", argument="exam"),
                pk_of(group, "ExamGroup", argument="group"),
                [pk_of(p, "Participant", argument="participants") for p in participants],
            )
        )
        return await participants_payload(info, created, errors)

    @strawberry.mutation(
        description="The awarding body names a group's assessment committee: a chair and at "
        "least as many others as the body requires."
    )
    async def group_committee_set(
        self,
        info: Info,
        id: GroupArg,
        version: Version,
        members: Annotated[
            list[CommitteeMemberInput], strawberry.argument(description="The whole committee.")
        ],
    ) -> GroupPayload:
        chosen = [
            assessment.Member(pk_of(m.person, "Person", argument="members"), m.role)
            for m in members
        ]
        group, errors = await attempt(
            assessment.set_committee(info.context.viewer, pk_of(id, "ExamGroup"), version, chosen)
        )
        loaded = await fresh_loaders(info).group.by_id.load(group.id) if group is not None else None
        return GroupPayload(group=loaded, user_errors=errors)

    @strawberry.mutation(
        description="Record a participant's scores (the result follows from the scoring "
        "scheme) or their absence, after the exam was held."
    )
    async def participant_result_record(
        self,
        info: Info,
        id: ParticipantArg,
        version: Version,
        scores: Annotated[
            list[PartScoreInput] | None, strawberry.argument(description="Points per part.")
        ] = None,
        absent: Annotated[bool, strawberry.argument(description="Did not come.")] = False,
        absence_reason: Annotated[
            str | None,
            strawberry.argument(
                description="A valid written reason, if any.", metadata=at_most(TEXT)
            ),
        ] = None,
    ) -> ParticipantPayload:
        recorded, errors = await attempt(
            assessment.record_result(
                info.context.viewer,
                pk_of(id, "Participant"),
                version,
                scores={s.part: s.points for s in scores} if scores is not None else None,
                absent=absent,
                absence_reason=absence_reason,
            )
        )
        return await _participant(info, recorded, errors)
