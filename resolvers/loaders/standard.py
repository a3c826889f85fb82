"""Standards (public): by ID, those of a curriculum, and what hangs off a standard."""

from __future__ import annotations

from functools import cached_property
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from models.curriculum import CurriculumStandard
from models.standard import PartialQualification as PartialQualificationRow
from models.standard import Specialisation as SpecialisationRow
from models.standard import Standard as StandardRow
from resolvers.loaders.batch import batched, by_key, grouped
from schema.node import to_global_id
from schema.standard import STANDARD_COLUMNS, PartialQualification, Specialisation, Standard

Part = TypeVar("Part", PartialQualification, Specialisation)


def _parts_by_standard(model: type[Model], part: type[Part]) -> DataLoader[int, list[Part]]:
    """A standard's partial qualifications or specialisations, by name."""

    async def load(ids: list[int]) -> list[list[Part]]:
        rows = (
            await model.filter(standard_id__in=ids)
            .order_by("name", "id")
            .values("id", "standard_id", "name")
        )
        name = part.__name__
        return grouped(
            ids,
            (
                (row["standard_id"], part(id=to_global_id(name, row["id"]), name=row["name"]))
                for row in rows
            ),
        )

    return batched(load)


class StandardLoaders:
    @cached_property
    def by_id(self) -> DataLoader[int, Standard | None]:
        async def load(ids: list[int]) -> list[Standard | None]:
            rows = await StandardRow.filter(id__in=ids).values(*STANDARD_COLUMNS)
            return by_key(ids, ((row["id"], Standard.from_row(row)) for row in rows))

        return batched(load)

    @cached_property
    def by_curriculum(self) -> DataLoader[int, list[Standard]]:
        async def load(ids: list[int]) -> list[list[Standard]]:
            columns = {c: f"standard__{c}" for c in STANDARD_COLUMNS}
            rows = (
                await CurriculumStandard.filter(curriculum_id__in=ids)
                .order_by("standard__name", "standard_id")
                .values("curriculum_id", **columns)
            )
            return grouped(ids, ((row["curriculum_id"], Standard.from_row(row)) for row in rows))

        return batched(load)

    @cached_property
    def partial_qualifications(self) -> DataLoader[int, list[PartialQualification]]:
        """By standard."""
        return _parts_by_standard(PartialQualificationRow, PartialQualification)

    @cached_property
    def specialisations(self) -> DataLoader[int, list[Specialisation]]:
        """By standard."""
        return _parts_by_standard(SpecialisationRow, Specialisation)
