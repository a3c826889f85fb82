"""Calling the real ASGI app in-process, with tokens issued by the real key ring."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from app.auth import issue_token
from models.enums import Role
from models.person import Person, RoleAssignment


class Api:
    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )

    async def token_for(self, person: Person, role: Role) -> str:
        assignment = await RoleAssignment.get(person=person, role=role)
        return issue_token(
            self.app.state.keys,
            self.app.state.settings,
            person_id=person.id,
            role=role,
            organisation_id=assignment.organisation_id,
        )

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def query(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        as_: tuple[Person, Role] | None = None,
    ) -> dict[str, Any]:
        if as_ is not None:
            token = await self.token_for(*as_)
        response = await self.post(query, variables, token=token)
        assert response.status_code == 200, response.text
        return response.json()
