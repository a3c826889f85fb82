"""Group mutations."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import strawberry

from models.workflow import group as workflow
from resolvers.ids import pk_of
from resolvers.mutations import attempt, fresh_loaders, user_errors
from schema.group import GroupCreateInput, GroupDeletePayload, GroupPayload, GroupUpdateInput
from schema.info import Info

GroupId = Annotated[strawberry.ID, strawberry.argument(description="The group.")]
Version = Annotated[int, strawberry.argument(description="The version you read.")]


async def _payload(info: Info, result: Any, errors: list) -> GroupPayload:
    group, warnings = result if result is not None else (None, [])
    loaded = await fresh_loaders(info).group.by_id.load(group.id) if group is not None else None
    return GroupPayload(group=loaded, user_errors=errors, warnings=user_errors(warnings))


@strawberry.type
class GroupMutation:
    @strawberry.mutation(description="The school adds a group to a draft or returned exam.")
    async def group_create(
        self,
        info: Info,
        exam: Annotated[strawberry.ID, strawberry.argument(description="The exam.")],
        input: Annotated[GroupCreateInput, strawberry.argument(description="The group.")],
        version: Annotated[
            int | None, strawberry.argument(description="The exam version you read.")
        ] = None,
    ) -> GroupPayload:
        fields = workflow.GroupFields(
            **{k: getattr(input, k) for k in asdict(workflow.GroupFields("", 1))}
        )
        result, errors = await attempt(
            workflow.create_group(
                info.context.viewer, pk_of(exam, "Exam", argument="exam"), fields, version=version
            )
        )
        return await _payload(info, result, errors)

    @strawberry.mutation(
        description="Change a group: the school while it builds the exam, the awarding body "
        "(place and time only) once it has accepted it."
    )
    async def group_update(
        self,
        info: Info,
        id: GroupId,
        version: Version,
        input: Annotated[GroupUpdateInput, strawberry.argument(description="The changes.")],
    ) -> GroupPayload:
        changes = {
            key: getattr(input, key)
            for key in ("name", "limit", "language", "date", "time", "place", "room")
            if getattr(input, key) is not None
        }
        result, errors = await attempt(
            workflow.update_group(info.context.viewer, pk_of(id, "ExamGroup"), version, changes)
        )
        return await _payload(info, result, errors)

    @strawberry.mutation(description="The school deletes a group; its participants stay.")
    async def group_delete(self, info: Info, id: GroupId, version: Version) -> GroupDeletePayload:
        _, errors = await attempt(
            workflow.delete_group(info.context.viewer, pk_of(id, "ExamGroup"), version)
        )
        return GroupDeletePayload(deleted_group_id=None if errors else id, user_errors=errors)
