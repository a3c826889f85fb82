"""Awarding bodies and schools (public)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from tortoise.expressions import Q

from models.enums import OrganisationKind
from models.organisation import Organisation
from models.search import name_or_code
from resolvers.pagination import keyset_page
from schema.connection import Connection
from schema.limits import SEARCH, at_most
from schema.organisation import AwardingBody, School

_COLUMNS = {"id": "id", "name": "name", "code": "code"}

Search = Annotated[
    str | None,
    strawberry.argument(
        description="Part of the name, in any case, or the registry or EHIS code.",
        metadata=at_most(SEARCH),
    ),
]


def _search(search: str | None) -> Q:
    if not search:
        return Q()
    return name_or_code(search, name="name", code="code", code_column=(Organisation, "code"))


@strawberry.type
class OrganisationQuery:
    @strawberry.field(description="Awarding bodies (public), by name.")
    async def awarding_bodies(
        self, first: int = 20, after: str | None = None, search: Search = None
    ) -> Connection[AwardingBody]:
        return await keyset_page(
            Organisation.filter(_search(search), kind=OrganisationKind.AWARDING_BODY),
            order=["name", "id"],
            columns=_COLUMNS,
            first=first,
            after=after,
            build=AwardingBody.from_row,
        )

    @strawberry.field(description="Vocational schools (public), by name.")
    async def schools(
        self, first: int = 20, after: str | None = None, search: Search = None
    ) -> Connection[School]:
        return await keyset_page(
            Organisation.filter(_search(search), kind=OrganisationKind.SCHOOL),
            order=["name", "id"],
            columns=_COLUMNS,
            first=first,
            after=after,
            build=School.from_row,
        )
