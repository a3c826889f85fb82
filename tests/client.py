"""Calling the real ASGI app in-process, with tokens issued by the real key ring.

On PostgreSQL every query that the compiled read path answered is sent again on today's path
(`resolvers.compiled.context.compiled_reads` off), and the two answers must hold the same
data and the same errors (messages, paths, locations, codes). EH_TEST_DUAL_PATH=0 turns that
off.
"""

from __future__ import annotations

import json
import os
from typing import Any

import httpx
from graphql import GraphQLError, OperationType, parse
from starlette.applications import Starlette

from app.auth import issue_token
from app.sqlcount import count_statements
from bench.queries import first_difference
from models.enums import Role
from models.person import Person, RoleAssignment
from resolvers.compiled.context import compiled_reads
from resolvers.compiled.executor import ANSWERED

DUAL_PATH = os.environ.get("EH_TEST_DUAL_PATH", "1") != "0"

# How many answers the dual-path mode compared (tests check that it ran).
COMPARED = [0]


def is_read(query: str, operation_name: str | None = None) -> bool:
    """Whether the document's operation is a query (sending a mutation twice would not be
    a comparison)."""
    try:
        document = parse(query)
    except GraphQLError:
        return False
    operations = [
        definition
        for definition in document.definitions
        if getattr(definition, "operation", None) is not None
    ]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    return len(operations) == 1 and operations[0].operation is OperationType.QUERY  # type: ignore[attr-defined]


def _errors(body: dict[str, Any]) -> list[str]:
    return sorted(json.dumps(error, sort_keys=True) for error in body.get("errors") or [])


def assert_same_answer(compiled: httpx.Response, today: httpx.Response) -> None:
    """Both paths answered alike: status, data (order included) and errors (any order)."""
    assert compiled.status_code == today.status_code, (compiled.text, today.text)
    a, b = compiled.json(), today.json()
    difference = first_difference(a.get("data"), b.get("data"))
    assert difference is None, f"compiled and today's path differ at {difference}"
    assert _errors(a) == _errors(b), ("errors differ", _errors(a), _errors(b))


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
        body = {"query": query, "variables": variables or {}}
        answered = ANSWERED[0]
        response = await self.http.post("/graphql", json=body, headers=headers)
        # Compared when the compiled path answered something: else both are today's path.
        if DUAL_PATH and ANSWERED[0] > answered and is_read(query):
            switched = compiled_reads.set(False)
            try:
                # Counted apart: a test counting statements counts the request it sent.
                with count_statements():
                    today = await self.http.post("/graphql", json=body, headers=headers)
            finally:
                compiled_reads.reset(switched)
            assert_same_answer(response, today)
            COMPARED[0] += 1
        return response

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
