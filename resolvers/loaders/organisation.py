"""Schools and awarding bodies (public): by ID, and those of a standard."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from models.curriculum import CurriculumStandard
from models.enums import OrganisationKind
from models.organisation import Organisation
from models.standard import StandardAwardingBody
from resolvers.loaders.batch import batched, by_key, grouped
from schema.organisation import AwardingBody, School

Org = TypeVar("Org")


def _by_id(
    kind: OrganisationKind, build: Callable[[dict[str, Any]], Org]
) -> DataLoader[int, Org | None]:
    async def load(ids: list[int]) -> list[Org | None]:
        rows = await Organisation.filter(id__in=ids, kind=kind).values("id", "name", "code")
        return by_key(ids, ((row["id"], build(row)) for row in rows))

    return batched(load)


class OrganisationLoaders:
    @cached_property
    def school(self) -> DataLoader[int, School | None]:
        return _by_id(OrganisationKind.SCHOOL, School.from_row)

    @cached_property
    def awarding_body(self) -> DataLoader[int, AwardingBody | None]:
        return _by_id(OrganisationKind.AWARDING_BODY, AwardingBody.from_row)

    @cached_property
    def awarding_bodies_by_standard(self) -> DataLoader[int, list[AwardingBody]]:
        async def load(ids: list[int]) -> list[list[AwardingBody]]:
            rows = (
                await StandardAwardingBody.filter(standard_id__in=ids)
                .order_by("awarding_body__name")
                .values(
                    "standard_id",
                    id="awarding_body_id",
                    name="awarding_body__name",
                    code="awarding_body__code",
                )
            )
            return grouped(ids, ((row["standard_id"], AwardingBody.from_row(row)) for row in rows))

        return batched(load)

    @cached_property
    def schools_by_standard(self) -> DataLoader[int, list[School]]:
        async def load(ids: list[int]) -> list[list[School]]:
            rows = (
                await CurriculumStandard.filter(standard_id__in=ids)
                .order_by("curriculum__school__name")
                .values(
                    "standard_id",
                    id="curriculum__school_id",
                    name="curriculum__school__name",
                    code="curriculum__school__code",
                )
            )
            unique = {(row["standard_id"], row["id"]): row for row in rows}
            return grouped(ids, ((key[0], School.from_row(row)) for key, row in unique.items()))

        return batched(load)
