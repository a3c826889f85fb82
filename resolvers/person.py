"""The signed-in person and switching the active role."""

from __future__ import annotations

from typing import Annotated

import strawberry
from graphql import GraphQLError

from app.auth import issue_token
from models.enums import Role as RoleValue
from models.person import Person as PersonRow
from models.person import RoleAssignment
from schema.enums import Role
from schema.errors import ErrorCode, UserError
from schema.info import Info
from schema.node import from_global_id
from schema.organisation import Organisation
from schema.person import Me, Person, RoleGrant
from schema.sign_in import SIGN_IN


async def _grants(person_id: int) -> list[tuple[RoleValue, int | None, RoleGrant]]:
    rows = (
        await RoleAssignment.filter(person_id=person_id)
        .order_by("role", "id")
        .values(
            "role",
            "organisation_id",
            org_name="organisation__name",
            org_code="organisation__code",
            org_kind="organisation__kind",
        )
    )
    return [
        (
            RoleValue(row["role"]),
            row["organisation_id"],
            RoleGrant(
                role=row["role"],
                organisation=Organisation.from_row(
                    row["organisation_id"], row["org_name"], row["org_code"], row["org_kind"]
                )
                if row["organisation_id"] is not None
                else None,
            ),
        )
        for row in rows
    ]


@strawberry.type
class PersonQuery:
    @strawberry.field(description="The signed-in person; null for the public.")
    async def me(self, info: Info) -> Me | None:
        viewer = info.context.viewer
        if viewer.person_id is None:
            return None
        grants = await _grants(viewer.person_id)
        active = next(
            (
                grant
                for role, organisation_id, grant in grants
                if role is viewer.role and organisation_id == viewer.organisation_id
            ),
            None,
        )
        return await _me(viewer.person_id, grants, active)


@strawberry.type(description="Result of roleSelect.")
class RoleSelectPayload:
    token: str | None = strawberry.field(description="A new access token for the chosen role.")
    me: Me | None = strawberry.field(description="The person acting in the chosen role.")
    user_errors: list[UserError] = strawberry.field(description="Why the role was not selected.")


@strawberry.type
class PersonMutation:
    @strawberry.mutation(
        description="Act in another role the person holds, or (role null) in their own "
        "view as an examinee, which every person holds: returns a token for it."
    )
    async def role_select(
        self,
        info: Info,
        role: Annotated[
            Role | None,
            strawberry.argument(description="The role to act in; null for the own view."),
        ],
        organisation: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The school or awarding body the role is held in; "
                "none for the registry admin."
            ),
        ] = None,
    ) -> RoleSelectPayload:
        context = info.context
        viewer = context.viewer
        if viewer.person_id is None:
            return RoleSelectPayload(
                token=None,
                me=None,
                user_errors=[
                    UserError(field=None, message=SIGN_IN, code=ErrorCode.UNAUTHENTICATED)
                ],
            )
        organisation_id = _organisation_pk(organisation)
        grants = await _grants(viewer.person_id)
        if role is None:
            token = issue_token(
                context.keys,
                context.settings,
                person_id=viewer.person_id,
                role=None,
                organisation_id=None,
            )
            return RoleSelectPayload(
                token=token, me=await _me(viewer.person_id, grants, None), user_errors=[]
            )
        held = [g for r, o, g in grants if r is RoleValue(role) and o == organisation_id]
        if not held:
            field, message = _why_not_held(RoleValue(role), organisation_id, grants)
            return RoleSelectPayload(
                token=None,
                me=None,
                user_errors=[UserError(field=[field], message=message, code=ErrorCode.FORBIDDEN)],
            )
        token = issue_token(
            context.keys,
            context.settings,
            person_id=viewer.person_id,
            role=RoleValue(role),
            organisation_id=organisation_id,
        )
        return RoleSelectPayload(
            token=token, me=await _me(viewer.person_id, grants, held[0]), user_errors=[]
        )


def _why_not_held(
    role: RoleValue,
    organisation_id: int | None,
    grants: list[tuple[RoleValue, int | None, RoleGrant]],
) -> tuple[str, str]:
    """The argument at fault and what is wrong with it, when roleSelect finds no grant."""
    where = [o for r, o, _ in grants if r is role]
    if not where:
        return "role", f"Sul pole rolli {role.value}. / You do not hold the role {role.value}."
    if None in where:
        return "organisation", (
            f"Roll {role.value} ei ole asutuse põhine: jäta asutus andmata. / "
            f"The role {role.value} is not held in an organisation: give none."
        )
    if organisation_id is None:
        return "organisation", (
            f"Nimeta kool või kutse andja, kus sul on roll {role.value}. / "
            f"Name the school or awarding body where you hold the role {role.value}."
        )
    return "organisation", (
        f"Sul on roll {role.value}, aga mitte selles asutuses. / "
        f"You hold the role {role.value}, but not in this organisation."
    )


async def _me(
    person_id: int,
    grants: list[tuple[RoleValue, int | None, RoleGrant]],
    active: RoleGrant | None,
) -> Me:
    row = await PersonRow.get(id=person_id).values(
        id="id",
        first_name="first_name",
        last_name="last_name",
        personal_code="personal_code",
    )
    return Me(
        person=Person.from_row(row, code_visible=True),
        roles=[grant for _, _, grant in grants],
        active_role=active,
    )


def _organisation_pk(organisation: strawberry.ID | None) -> int | None:
    """A school's or an awarding body's ID; None for the registry admin's role."""
    if organisation is None:
        return None
    decoded = from_global_id(organisation)
    if decoded is None or decoded[0] not in ("School", "AwardingBody"):
        raise GraphQLError(
            "`organisation` is not the ID of a school or an awarding body",
            extensions={"code": "BAD_USER_INPUT"},
        )
    return decoded[1]
