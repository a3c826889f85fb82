"""`node(id:)` and `nodes(ids:)`: any object by its global ID, through the scoped loaders."""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry

from resolvers.loaders import Loaders
from schema.node import Node, from_global_id


def _loader_for(loaders: Loaders, type_name: str) -> Any:
    return {
        "Exam": loaders.exam,
        "ExamGroup": loaders.group,
        "Participant": loaders.participant,
        "Standard": loaders.standard,
        "Curriculum": loaders.curriculum,
        "School": loaders.school,
        "AwardingBody": loaders.awarding_body,
        "Protocol": loaders.protocol,
        "CompensationRate": loaders.compensation_rate,
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
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        return await _load(info.context.loaders, id)

    @strawberry.field(description="Several objects by their global IDs (at most 100).")
    async def nodes(self, info: strawberry.Info, ids: list[strawberry.ID]) -> list[Node | None]:
        from resolvers.pagination import check_first

        check_first(len(ids) or 1)
        return list(await asyncio.gather(*(_load(info.context.loaders, i) for i in ids)))
