"""`node(id:)` and `nodes(ids:)`: any object by its global ID, through the scoped loaders."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry

from resolvers.loaders import Loaders
from schema.connection import MAX_PAGE_SIZE
from schema.info import Info
from schema.limits import items_at_most
from schema.node import Node, from_global_id


def _loader_for(loaders: Loaders, type_name: str) -> Any:
    return {
        "Exam": loaders.exam.by_id,
        "ExamGroup": loaders.group.by_id,
        "Participant": loaders.participant.by_id,
        "Standard": loaders.standard.by_id,
        "Curriculum": loaders.curriculum.by_id,
        "School": loaders.organisation.school,
        "AwardingBody": loaders.organisation.awarding_body,
        "Protocol": loaders.protocol.by_id,
        "CompensationRate": loaders.compensation.rate,
        "Appeal": loaders.appeal.by_id,
    }.get(type_name)


async def _load(loaders: Loaders, global_id: str) -> Node | None:
    decoded = from_global_id(global_id)
    if decoded is None:
        return None
    loader = _loader_for(loaders, decoded[0])
    if loader is None:
        return None
    return await loader.load(decoded[1])


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID; null when not visible to you.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await _load(info.context.loaders, id)

    @strawberry.field(description="Several objects by their global IDs (at most 100).")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(metadata=items_at_most(MAX_PAGE_SIZE)),
        ],
    ) -> list[Node | None]:
        # The bound is checked before execution (app/cost.py).
        return list(await asyncio.gather(*(_load(info.context.loaders, i) for i in ids)))
