"""Participant mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from models.workflow import participant as workflow
from resolvers.ids import pk_of
from resolvers.mutations import attempt, fresh_loaders
from schema.errors import UserError
from schema.info import Info
from schema.participant import ParticipantRemovePayload, ParticipantsAddPayload


async def participants_payload(
    info: Info, created: list[Any] | None, errors: list[UserError]
) -> ParticipantsAddPayload:
    """The new participants, read after the commit through the viewer's scoped loaders."""
    loaders = fresh_loaders(info)
    found = [await loaders.participant.by_id.load(p.id) for p in created or []]
    return ParticipantsAddPayload(
        participants=[p for p in found if p is not None], user_errors=errors
    )


@strawberry.type
class ParticipantMutation:
    @strawberry.mutation(
        description="The school adds eligible students (from eligibleStudents), optionally "
        "into a group within its limit: all of them or none."
    )
    async def exam_participants_add(
        self,
        info: Info,
        exam: Annotated[strawberry.ID, strawberry.argument(description="The exam.")],
        students: Annotated[
            list[strawberry.ID], strawberry.argument(description="EligibleStudent IDs.")
        ],
        group: Annotated[
            strawberry.ID | None, strawberry.argument(description="A group of the exam.")
        ] = None,
        version: Annotated[
            int | None, strawberry.argument(description="The exam version you read.")
        ] = None,
    ) -> ParticipantsAddPayload:
        student_ids = [pk_of(s, "Student", argument="students") for s in students]
        created, errors = await attempt(
            workflow.add_participants(
                info.context.viewer,
                pk_of(exam, "Exam", argument="exam"),
                [s for s in student_ids if s is not None],
                group_id=pk_of(group, "ExamGroup", argument="group"),
                version=version,
            )
        )
        return await participants_payload(info, created, errors)

    @strawberry.mutation(
        description="The school removes a participant: the student returns to the eligible "
        "list for a later exam."
    )
    async def exam_participant_remove(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The participant.")],
        version: Annotated[
            int | None, strawberry.argument(description="The participant version you read.")
        ] = None,
    ) -> ParticipantRemovePayload:
        _, errors = await attempt(
            workflow.remove_participant(
                info.context.viewer, pk_of(id, "Participant"), version=version
            )
        )
        return ParticipantRemovePayload(
            removed_participant_id=None if errors else id, user_errors=errors
        )
