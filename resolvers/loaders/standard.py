"""Standards (public): by ID, those of a curriculum, and what hangs off a standard."""

from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from models.curriculum import CurriculumStandard
from models.standard import PartialQualification as PartialQualificationRow
from models.standard import Specialisation as SpecialisationRow
from models.standard import Standard as StandardRow
from resolvers.loaders.batch import batched, by_key, grouped
from schema.node import to_global_id
from schema.standard import STANDARD_COLUMNS, PartialQualification, Specialisation, Standard


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

        async def load(ids: list[int]) -> list[list[PartialQualification]]:
            rows = (
                await PartialQualificationRow.filter(standard_id__in=ids)
                .order_by("name", "id")
                .values("id", "standard_id", "name")
            )
            return grouped(
                ids,
                (
                    (
                        row["standard_id"],
                        PartialQualification(
                            id=to_global_id("PartialQualification", row["id"]), name=row["name"]
                        ),
                    )
                    for row in rows
                ),
            )

        return batched(load)

    @cached_property
    def specialisations(self) -> DataLoader[int, list[Specialisation]]:
        """By standard."""

        async def load(ids: list[int]) -> list[list[Specialisation]]:
            rows = (
                await SpecialisationRow.filter(standard_id__in=ids)
                .order_by("name", "id")
                .values("id", "standard_id", "name")
            )
            return grouped(
                ids,
                (
                    (
                        row["standard_id"],
                        Specialisation(
                            id=to_global_id("Specialisation", row["id"]), name=row["name"]
                        ),
                    )
                    for row in rows
                ),
            )

        return batched(load)
