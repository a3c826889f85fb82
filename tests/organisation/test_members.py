"""An awarding body's members (the committee and chair pickers), and organisation IDs in `me`."""

from __future__ import annotations

import datetime as dt

import pytest

from app.demo import load_demo_data
from app.sqlcount import count_statements
from models.enums import Role
from models.organisation import Organisation
from models.person import Person, RoleAssignment
from schema.node import to_global_id

TODAY = dt.date(2026, 11, 21)
BCS = "10263574"  # BCS Koolitus
BODY_USER = "37605030299"  # Marek Saar, BCS Koolitus
OTHER_BODY_USER = "36805280109"  # Tõnu Kask, Eesti Ehitusettevõtjate Liit (and a school)
CHAIR = "38001085718"  # Jüri Mänd, commission chair of BCS Koolitus
ASSESSOR = "48803140103"  # Mari Tamm, assessor of BCS Koolitus
ADMIN = "47211090106"

MEMBERS = """
query Members($body: ID!, $role: Role, $after: String) {
  node(id: $body) {
    ... on AwardingBody {
      members(role: $role, first: 2, after: $after) {
        totalCount
        edges { node { role person { id firstName lastName personalCode } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""

ME = "{ me { roles { role organisation { id name kind } } activeRole { organisation { id } } } }"

ROLE_SELECT = """
mutation Select($organisation: ID) {
  roleSelect(role: AWARDING_BODY, organisation: $organisation) {
    token userErrors { code }
  }
}
"""


async def _as(code: str, role: Role) -> tuple[Person, Role]:
    return await Person.get(personal_code=code), role


async def _body_id() -> str:
    body = await Organisation.get(code=BCS)
    return to_global_id("AwardingBody", body.id)


async def _all_members(api, body: str, role: str | None, viewer) -> list[dict]:  # type: ignore[no-untyped-def]
    members, after = [], None
    while True:
        result = await api.query(MEMBERS, {"body": body, "role": role, "after": after}, as_=viewer)
        # Other people's personal codes are null with FORBIDDEN; nothing else may fail.
        for error in result.get("errors", []):
            assert error["extensions"]["code"] == "FORBIDDEN", error
            assert error["path"][-1] == "personalCode", error
        page = result["data"]["node"]["members"]
        members += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return members
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("role", ["ASSESSOR", "COMMISSION_CHAIR", None])
async def test_the_body_lists_its_members_by_role(api, role) -> None:  # type: ignore[no-untyped-def]
    # given the demo data and BCS Koolitus's own user
    await load_demo_data(today=TODAY)
    body = await _body_id()
    viewer = await _as(BODY_USER, Role.AWARDING_BODY)

    # when its members are listed page by page
    members = await _all_members(api, body, role, viewer)

    # then exactly the role assignments held in that body come back, by name, no one twice
    wanted = [role] if role else ["AWARDING_BODY", "ASSESSOR", "COMMISSION_CHAIR"]
    expected = await RoleAssignment.filter(
        organisation__code=BCS, role__in=wanted
    ).prefetch_related("person")
    assert sorted((m["role"], m["person"]["id"]) for m in members) == sorted(
        (a.role.value, to_global_id("Person", a.person.id)) for a in expected
    )
    names = [(m["person"]["lastName"], m["person"]["firstName"]) for m in members]
    assert names == sorted(names)
    # and the demo's chair and assessor are among them, under their own roles
    codes = await Person.filter(personal_code__in=[CHAIR, ASSESSOR]).values_list(
        "id", "personal_code"
    )
    ids = {code: to_global_id("Person", pk) for pk, code in codes}
    found = {(m["role"], m["person"]["id"]) for m in members}
    if role in (None, "COMMISSION_CHAIR"):
        assert ("COMMISSION_CHAIR", ids[CHAIR]) in found
    if role in (None, "ASSESSOR"):
        assert ("ASSESSOR", ids[ASSESSOR]) in found
    # and the body's user sees no one's personal code but its own (null with FORBIDDEN)
    me = await Person.get(personal_code=BODY_USER)
    for member in members:
        own = member["person"]["id"] == to_global_id("Person", me.id)
        assert (member["person"]["personalCode"] is not None) == own


async def test_the_registry_sees_members_and_their_codes(api) -> None:  # type: ignore[no-untyped-def]
    # given the demo data
    await load_demo_data(today=TODAY)
    body = await _body_id()

    # when the registry lists the chairs
    members = await _all_members(
        api, body, "COMMISSION_CHAIR", await _as(ADMIN, Role.REGISTRY_ADMIN)
    )

    # then it sees them with their personal codes
    assert CHAIR in {m["person"]["personalCode"] for m in members}


@pytest.mark.parametrize(
    ("code", "role"),
    [
        (OTHER_BODY_USER, Role.AWARDING_BODY),
        (CHAIR, Role.COMMISSION_CHAIR),
        (ASSESSOR, Role.ASSESSOR),
        ("49403136515", Role.SCHOOL),
    ],
)
async def test_anyone_else_gets_forbidden_and_no_names(api, code, role) -> None:  # type: ignore[no-untyped-def]
    # given the demo data
    await load_demo_data(today=TODAY)
    body = await _body_id()

    # when another body, the body's chair or assessor, or a school asks for the members
    result = await api.query(MEMBERS, {"body": body}, as_=await _as(code, role))

    # then the field is null with FORBIDDEN, and no person is in the answer
    assert result["data"]["node"]["members"] is None
    assert [e["extensions"]["code"] for e in result["errors"]] == ["FORBIDDEN"]
    assert result["errors"][0]["path"] == ["node", "members"]


async def test_the_public_is_asked_to_sign_in(api) -> None:  # type: ignore[no-untyped-def]
    # given the demo data
    await load_demo_data(today=TODAY)

    # when someone without a token asks
    result = await api.query(MEMBERS, {"body": await _body_id()})

    # then nothing is listed, and the answer says a sign-in is missing
    assert result["data"]["node"]["members"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_me_gives_organisation_ids_that_role_select_takes(api) -> None:  # type: ignore[no-untyped-def]
    # given the demo data and a person with a school role and an awarding body role
    await load_demo_data(today=TODAY)
    viewer = await _as(OTHER_BODY_USER, Role.SCHOOL)

    # when they read their roles
    result = await api.query(ME, as_=viewer)

    # then every role's organisation has the global ID of the school or the body
    roles = result["data"]["me"]["roles"]
    by_kind = {r["organisation"]["kind"]: r["organisation"] for r in roles}
    assert by_kind["SCHOOL"]["id"].startswith("U2Nob29s")  # base64 of "School:"
    body = await Organisation.get(name=by_kind["AWARDING_BODY"]["name"])
    assert by_kind["AWARDING_BODY"]["id"] == to_global_id("AwardingBody", body.id)
    assert result["data"]["me"]["activeRole"]["organisation"]["id"] == by_kind["SCHOOL"]["id"]
    # and roleSelect takes that ID as it is
    selected = await api.query(
        ROLE_SELECT, {"organisation": by_kind["AWARDING_BODY"]["id"]}, as_=viewer
    )
    assert selected["data"]["roleSelect"]["userErrors"] == []
    assert selected["data"]["roleSelect"]["token"]


async def test_the_registry_admin_role_has_no_organisation(api) -> None:  # type: ignore[no-untyped-def]
    # given the demo's registry admin
    await load_demo_data(today=TODAY)

    # when they read their roles
    result = await api.query(ME, as_=await _as(ADMIN, Role.REGISTRY_ADMIN))

    # then the role is held nowhere
    assert result["data"]["me"]["roles"] == [{"role": "REGISTRY_ADMIN", "organisation": None}]


MEMBERS_VIA_EXAMS = """
{
  exams(first: 10, filter: {status: [ASSESSED, ACCEPTED]}) {
    edges { node { id awardingBody { name members(role: COMMISSION_CHAIR) {
      edges { node { role person { lastName } } }
    } } } }
  }
}
"""


async def test_members_reached_through_an_exam_take_the_same_rule(api) -> None:  # type: ignore[no-untyped-def]
    # given the demo data and BCS Koolitus's user, who sees exams sent to BCS Koolitus only
    await load_demo_data(today=TODAY)

    # when the chair picker is reached through the exams (compiled on PostgreSQL, with the
    # field falling back to its resolver; the client compares both paths)
    result = await api.query(MEMBERS_VIA_EXAMS, as_=await _as(BODY_USER, Role.AWARDING_BODY))

    # then every exam's body lists its chairs, Jüri Mänd among them
    assert "errors" not in result, result
    edges = result["data"]["exams"]["edges"]
    assert edges
    for edge in edges:
        members = edge["node"]["awardingBody"]["members"]["edges"]
        assert {m["node"]["role"] for m in members} == {"COMMISSION_CHAIR"}
        assert "Mänd" in {m["node"]["person"]["lastName"] for m in members}


@pytest.mark.parametrize("first", [2, 20])
async def test_a_page_of_members_costs_the_same_statements_whatever_its_size(api, first) -> None:  # type: ignore[no-untyped-def]
    # given the demo data and the registry (which sees every member's personal code)
    await load_demo_data(today=TODAY)
    body = await _body_id()
    token = await api.token_for(*await _as(ADMIN, Role.REGISTRY_ADMIN))
    query = MEMBERS.replace("first: 2", f"first: {first}")

    # when a page of members is read
    with count_statements() as statements:
        result = await api.query(query, {"body": body}, token=token)

    # then: the token's check, the node, the page and its count, however many members
    assert "errors" not in result, result
    total = await RoleAssignment.filter(organisation__code=BCS).count()
    assert total > 2
    assert len(result["data"]["node"]["members"]["edges"]) == min(first, total)
    assert statements[0] == 4
