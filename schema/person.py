"""People: the signed-in person, participants' and committee members' names."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.enums import Role
from schema.guards import PERSONAL_CODE, guarded
from schema.node import Node, to_global_id
from schema.organisation import Organisation


@strawberry.type(description="A person. The personal code is shown only to those who may see it.")
class Person(Node):
    pk: strawberry.Private[int]
    personal_code_visible: strawberry.Private[bool]
    first_name: str = strawberry.field(description="First name(s).")
    last_name: str = strawberry.field(description="Last name.")
    personal_code: str | None = guarded(
        PERSONAL_CODE, description="Estonian personal identification code (isikukood)."
    )

    @classmethod
    def from_row(cls, row: dict[str, Any], *, prefix: str = "", code_visible: bool) -> Person:
        pk = row[f"{prefix}id"]
        return cls(
            id=to_global_id("Person", pk),
            pk=pk,
            first_name=row[f"{prefix}first_name"],
            last_name=row[f"{prefix}last_name"],
            personal_code=row.get(f"{prefix}personal_code") if code_visible else None,
            personal_code_visible=code_visible,
        )


@strawberry.type(description="A role a person holds, in an organisation.")
class RoleGrant:
    role: Role = strawberry.field(description="The role.")
    organisation: Organisation | None = strawberry.field(
        description="Where the role is held; null for the registry admin."
    )


@strawberry.type(description="The signed-in person and their roles.")
class Me:
    person: Person = strawberry.field(description="The person.")
    roles: list[RoleGrant] = strawberry.field(description="Every role the person holds.")
    active_role: RoleGrant | None = strawberry.field(
        description="The role this token acts in; null in the person's own view (as an "
        "examinee: their participations, results, certificates, notifications and appeals)."
    )
