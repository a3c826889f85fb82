"""Schools and awarding bodies."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.node import Node, to_global_id


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


@strawberry.type(description="An organisation a role is held in.")
class Organisation:
    name: str = strawberry.field(description="Name of the organisation.")
    code: str = strawberry.field(
        description="EHIS code of a school, registry code of an awarding body or the register."
    )
    kind: str = strawberry.field(description="SCHOOL, AWARDING_BODY or REGISTRY.")
