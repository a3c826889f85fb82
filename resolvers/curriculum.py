"""Curricula (public)."""

from __future__ import annotations

import strawberry
from tortoise.expressions import Q, Subquery

from models.curriculum import Curriculum as CurriculumRow
from models.curriculum import CurriculumStandard
from models.search import name_or_code
from resolvers.ids import pk_of
from resolvers.pagination import keyset_page
from schema.connection import Connection
from schema.curriculum import CURRICULUM_COLUMNS, Curriculum, CurriculumFilter
from schema.info import Info


def _filter(f: CurriculumFilter | None) -> Q:
    if f is None:
        return Q()
    q = Q()
    if f.search:
        q &= name_or_code(
            f.search, name="name", code="ehis_code", code_column=(CurriculumRow, "ehis_code")
        )
    if f.school:
        q &= Q(school_id=pk_of(f.school, "School", argument="filter.school"))
    if f.standard:
        standard_id = pk_of(f.standard, "Standard", argument="filter.standard")
        q &= Q(
            id__in=Subquery(
                CurriculumStandard.filter(standard_id=standard_id).values("curriculum_id")
            )
        )
    if f.admission_open is not None:
        q &= Q(admission_open=f.admission_open)
    return q


@strawberry.type
class CurriculumQuery:
    @strawberry.field(description="Curricula registered in EHIS (public), by name.")
    async def curricula(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: CurriculumFilter | None = None,
    ) -> Connection[Curriculum]:
        return await keyset_page(
            CurriculumRow.filter(_filter(filter)),
            order=["name", "id"],
            columns={c: c for c in CURRICULUM_COLUMNS},
            first=first,
            after=after,
            build=Curriculum.from_row,
        )

    @strawberry.field(description="One curriculum.")
    async def curriculum(self, info: Info, id: strawberry.ID) -> Curriculum | None:
        pk = pk_of(id, "Curriculum")
        return await info.context.loaders.curriculum.by_id.load(pk)
