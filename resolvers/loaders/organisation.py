"""Schools and awarding bodies (public): by ID, and those of a standard."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from graphql import GraphQLError
from strawberry.dataloader import DataLoader

from models.access import PUBLIC, Viewer, may_list_members, sees_personal_code_of
from models.curriculum import CurriculumStandard
from models.enums import OrganisationKind, Role
from models.organisation import Organisation
from models.person import RoleAssignment
from models.standard import StandardAwardingBody
from resolvers.loaders.batch import batched, by_key, grouped
from resolvers.pagination import keyset_page
from schema.connection import Connection
from schema.organisation import AwardingBody, AwardingBodyMember, School
from schema.person import Person

Org = TypeVar("Org")


def _by_id(
    kind: OrganisationKind, build: Callable[[dict[str, Any]], Org]
) -> DataLoader[int, Org | None]:
    async def load(ids: list[int]) -> list[Org | None]:
        rows = await Organisation.filter(id__in=ids, kind=kind).values("id", "name", "code")
        return by_key(ids, ((row["id"], build(row)) for row in rows))

    return batched(load)


# Roles held in an awarding body (a school's role is held in a school).
MEMBER_ROLES = (Role.AWARDING_BODY, Role.ASSESSOR, Role.COMMISSION_CHAIR)
_MEMBER_COLUMNS = {
    "assignment_id": "id",
    "role": "role",
    "id": "person_id",
    "first_name": "person__first_name",
    "last_name": "person__last_name",
    "personal_code": "person__personal_code",
}


class OrganisationLoaders:
    def __init__(self, viewer: Viewer = PUBLIC) -> None:
        self.viewer = viewer

    async def members(
        self, awarding_body_id: int, *, role: Role | None, first: int, after: str | None
    ) -> Connection[AwardingBodyMember] | None:
        """An awarding body's role holders (the pickers), for the body and the registry."""
        viewer = self.viewer
        if not may_list_members(viewer, awarding_body_id):
            raise GraphQLError(
                "Ainult kutse andja ise ja kutseregister näevad liikmeid. / Only the awarding "
                "body itself and the registry see its members.",
                extensions={"code": "FORBIDDEN"},
            )
        roles = MEMBER_ROLES if role is None else [r for r in MEMBER_ROLES if r == role]

        def build(row: dict[str, Any]) -> AwardingBodyMember:
            visible = sees_personal_code_of(viewer, row["id"])
            return AwardingBodyMember(
                person=Person.from_row(row, code_visible=visible), role=Role(row["role"])
            )

        return await keyset_page(
            RoleAssignment.filter(organisation_id=awarding_body_id, role__in=roles),
            order=["person__last_name", "person__first_name", "id"],
            columns=_MEMBER_COLUMNS,
            first=first,
            after=after,
            build=build,
        )

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
