"""Schools and awarding bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from schema.connection import Connection
from schema.enums import Role
from schema.info import Info
from schema.node import Node, to_global_id

if TYPE_CHECKING:
    from schema.person import Person


@strawberry.type(description="A vocational school, as EHIS registers it.")
class School(Node):
    pk: strawberry.Private[int]
    name: str = strawberry.field(description="Name of the school.")
    ehis_code: str = strawberry.field(description="The school's EHIS institution code.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> School:
        return cls(
            id=to_global_id("School", row["id"]),
            pk=row["id"],
            name=row["name"],
            ehis_code=row["code"],
        )


@strawberry.type(
    description="A person holding a role in an awarding body: one entry per role, so a "
    "person who is both an assessor and a commission chair appears twice."
)
class AwardingBodyMember:
    person: Annotated[Person, strawberry.lazy("schema.person")] = strawberry.field(
        description="The person; their personal code only for themselves and the registry."
    )
    role: Role = strawberry.field(
        description="The role held in the body: ASSESSOR, COMMISSION_CHAIR or AWARDING_BODY."
    )


@strawberry.type(description="An organisation with the right to award qualifications.")
class AwardingBody(Node):
    pk: strawberry.Private[int]
    name: str = strawberry.field(description="Name of the awarding body.")
    registry_code: str = strawberry.field(description="Estonian business registry code.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AwardingBody:
        return cls(
            id=to_global_id("AwardingBody", row["id"]),
            pk=row["id"],
            name=row["name"],
            registry_code=row["code"],
        )

    @strawberry.field(
        description="People holding a role in this body, by last and first name: the "
        "committee picker (assessors) and the chair picker (commission chairs). Only for the "
        "body itself and the registry; anyone else gets null with a FORBIDDEN error."
    )
    async def members(
        self,
        info: Info,
        role: Annotated[
            Role | None,
            strawberry.argument(
                description="Only members holding this role (ASSESSOR, COMMISSION_CHAIR or "
                "AWARDING_BODY); all of them when omitted."
            ),
        ] = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[AwardingBodyMember] | None:
        return await info.context.loaders.organisation.members(
            self.pk, role=role, first=first, after=after
        )


@strawberry.type(description="An organisation a role is held in.")
class Organisation:
    id: strawberry.ID = strawberry.field(
        description="Global ID of the school or awarding body, as `roleSelect(organisation:)` "
        "and `node(id:)` take it; the register's own ID for the registry."
    )
    name: str = strawberry.field(description="Name of the organisation.")
    code: str = strawberry.field(
        description="EHIS code of a school, registry code of an awarding body or the register."
    )
    kind: str = strawberry.field(description="SCHOOL, AWARDING_BODY or REGISTRY.")

    @classmethod
    def from_row(cls, pk: int, name: str, code: str, kind: str) -> Organisation:
        gid = {"SCHOOL": "School", "AWARDING_BODY": "AwardingBody"}.get(kind, "Organisation")
        return cls(id=to_global_id(gid, pk), name=name, code=code, kind=kind)
