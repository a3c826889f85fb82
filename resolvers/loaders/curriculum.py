"""Curricula (public): by ID, and those linked to a standard."""

from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from models.curriculum import Curriculum as CurriculumRow
from models.curriculum import CurriculumStandard
from resolvers.loaders.batch import batched, by_key, grouped
from schema.curriculum import CURRICULUM_COLUMNS, Curriculum


class CurriculumLoaders:
    @cached_property
    def by_id(self) -> DataLoader[int, Curriculum | None]:
        async def load(ids: list[int]) -> list[Curriculum | None]:
            rows = await CurriculumRow.filter(id__in=ids).values(*CURRICULUM_COLUMNS)
            return by_key(ids, ((row["id"], Curriculum.from_row(row)) for row in rows))

        return batched(load)

    @cached_property
    def by_standard(self) -> DataLoader[int, list[Curriculum]]:
        async def load(ids: list[int]) -> list[list[Curriculum]]:
            columns = {c: f"curriculum__{c}" for c in CURRICULUM_COLUMNS}
            rows = (
                await CurriculumStandard.filter(standard_id__in=ids)
                .order_by("curriculum__name", "curriculum_id")
                .values("standard_id", **columns)
            )
            return grouped(ids, ((row["standard_id"], Curriculum.from_row(row)) for row in rows))

        return batched(load)
