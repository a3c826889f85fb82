"""The fast completion path answers exactly as graphql-core's standard path does."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.demo import DEMO_USERS, load_demo_data
from app.execution import FastExecutionContext
from app.graphql import make_schema
from app.settings import Settings
from models.access import PUBLIC, Viewer
from models.organisation import Organisation
from models.person import Person, RoleAssignment
from resolvers.context import Context
from resolvers.loaders import Loaders

EVERYTHING = """
fragment Who on Person { __typename id firstName lastName personalCode }
query {
  me { person { ...Who } roles { role organisation { name code kind } } activeRole { role } }
  exams(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
    __typename id status version graduationDate language finalCourse comment returnReason
    createdAt submittedAt
    school { id name ehisCode } awardingBody { name registryCode }
    curriculum { ehisCode name finalCourse standards { name } }
    standard { name status partialQualifications { id name } specialisations { name } }
    responsible { ...Who }
    groups { id name limit language date time place room version participantCount freePlaces
      committee { role person { ...Who } }
      participants { id kind course fundingCode stateFunded specialNeeds result score
        person { ...Who } group { name } }
    }
    participants(first: 7) { totalCount edges { node { id person { lastName } } } }
    protocols { id kind number date status signatures { signerRole method signedAt
      timestampAt certificateSubject signer { ...Who } } }
    history(first: 5) { edges { node { action entity actorRole actor { ...Who } before after } } }
  } } }
  standards(first: 30) { edges { node { name awardingBodies { name } schools { name } } } }
  certificates(first: 30) { edges { node { registerNumber kind holderFirstName standardName } } }
  statistics { validStandards certificatesIssued }
}
"""


def _standard_schema() -> strawberry.Schema:
    s = Settings()
    return make_schema(
        s.production,
        s.max_query_depth,
        s.max_query_tokens,
        s.max_aliases,
        10**7,
        execution_context_class=StrawberryGraphQLCoreExecutionContext,
    )


async def _viewers() -> list[Viewer]:
    viewers = [PUBLIC]
    for user in DEMO_USERS:
        person = await Person.get(personal_code=user.personal_code)
        organisation = (
            await Organisation.get(code=user.organisation_code) if user.organisation_code else None
        )
        assert await RoleAssignment.exists(person=person, role=user.role, organisation=organisation)
        viewers.append(Viewer(person.id, user.role, organisation.id if organisation else None))
    return viewers


async def _run(schema: strawberry.Schema, viewer: Viewer) -> tuple[Any, list[Any]]:
    settings = Settings()
    context = Context(viewer=viewer, settings=settings, keys=None, loaders=Loaders(viewer))  # type: ignore[arg-type]
    result = await schema.execute(EVERYTHING, context_value=context)
    assert result.data is not None, result.errors
    errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or [])
    return result.data, errors


@pytest.fixture
async def demo(empty_db):  # type: ignore[no-untyped-def]
    assert await load_demo_data()


async def test_fast_and_standard_paths_give_the_same_answer_for_every_role(demo):
    s = Settings()
    fast = make_schema(s.production, s.max_query_depth, s.max_query_tokens, s.max_aliases, 10**7)
    standard = _standard_schema()
    assert issubclass(fast.execution_context_class, FastExecutionContext)

    for viewer in await _viewers():
        fast_data, fast_errors = await _run(fast, viewer)
        standard_data, standard_errors = await _run(standard, viewer)

        assert fast_data == standard_data, viewer
        assert fast_errors == standard_errors, viewer
    # The comparison covered real data and real refusals.
    admin_data, _ = await _run(fast, (await _viewers())[-1])
    assert admin_data["exams"]["totalCount"] >= 5
    _, school_errors = await _run(fast, (await _viewers())[1])
    assert any(path[-1] == "personalCode" for _, path in school_errors)
