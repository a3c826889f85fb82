"""The rate table: the registry admin adds and supersedes rates; others may not."""

from __future__ import annotations

from datetime import date

import pytest

from models.audit import AuditEvent
from models.compensation import CompensationRate, RateTable
from models.enums import ExamType, Role
from schema.node import to_global_id
from tests.factories import create_awarding_body, create_school, create_user

ADD = """
mutation ($input: CompensationRateInput!) {
  compensationRateAdd(input: $input) {
    rate { id curriculumGroup examType validFrom amountCents basis }
    userErrors { field code message }
  }
}
"""
SUPERSEDE = """
mutation ($id: ID!, $input: CompensationRateSupersedeInput!) {
  compensationRateSupersede(id: $id, input: $input) {
    rate { id validFrom amountCents } userErrors { field code }
  }
}
"""
RATES = "{ compensationRates { id validFrom amountCents supersededFrom } }"
RATE = {
    "curriculumGroup": "0715",
    "examType": "PRACTICAL",
    "validFrom": "2024-01-01",
    "amountCents": 12_345,
    "basis": "Määrus nr 12 (õ ä ö ü)",
}


@pytest.fixture
async def admin(api):  # type: ignore[no-untyped-def]
    return await create_user(Role.REGISTRY_ADMIN, None), Role.REGISTRY_ADMIN


async def test_the_admin_adds_a_rate_and_it_is_audited(api, admin):
    result = await api.query(ADD, {"input": RATE}, as_=admin)

    payload = result["data"]["compensationRateAdd"]
    assert payload["userErrors"] == []
    assert {k: v for k, v in payload["rate"].items() if k != "id"} == RATE
    event = await AuditEvent.get(action="compensation_rate.add")
    assert (event.actor_id, event.after["amount_cents"]) == (admin[0].id, 12_345)


async def test_superseding_keeps_the_old_rate_before_the_new_day(api, admin):
    first = (await api.query(ADD, {"input": RATE}, as_=admin))["data"]["compensationRateAdd"]
    newer = {"validFrom": "2024-03-01", "amountCents": 15_000}

    result = await api.query(SUPERSEDE, {"id": first["rate"]["id"], "input": newer}, as_=admin)

    assert result["data"]["compensationRateSupersede"]["userErrors"] == []
    listed = (await api.query(RATES, as_=admin))["data"]["compensationRates"]
    assert [(r["validFrom"], r["amountCents"], r["supersededFrom"]) for r in listed] == [
        ("2024-01-01", 12_345, "2024-03-01"),
        ("2024-03-01", 15_000, None),
    ]
    table = await RateTable.load()
    assert table.in_force("0715", ExamType.PRACTICAL, date(2024, 2, 29)).amount_cents == 12_345
    assert table.in_force("0715", ExamType.PRACTICAL, date(2024, 3, 1)).amount_cents == 15_000
    assert table.in_force("0715", ExamType.PRACTICAL, date(2023, 12, 31)) is None
    assert table.in_force("0715", ExamType.THEORY, date(2024, 3, 1)) is None


async def test_mistakes_are_user_errors_with_stable_codes(api, admin):
    first = (await api.query(ADD, {"input": RATE}, as_=admin))["data"]["compensationRateAdd"]

    again = await api.query(ADD, {"input": RATE}, as_=admin)
    bad = await api.query(
        ADD, {"input": {**RATE, "curriculumGroup": "71", "amountCents": -1}}, as_=admin
    )
    older = await api.query(
        SUPERSEDE,
        {"id": first["rate"]["id"], "input": {"validFrom": "2024-01-01", "amountCents": 1}},
        as_=admin,
    )
    missing = await api.query(
        SUPERSEDE,
        {
            "id": to_global_id("CompensationRate", 9999),
            "input": {"validFrom": "2025-01-01", "amountCents": 1},
        },
        as_=admin,
    )

    def codes(result, name):  # type: ignore[no-untyped-def]
        return [(e["code"], e["field"]) for e in result["data"][name]["userErrors"]]

    assert codes(again, "compensationRateAdd") == [("RATE_EXISTS", ["validFrom"])]
    assert codes(bad, "compensationRateAdd") == [
        ("INVALID_INPUT", ["curriculumGroup"]),
        ("INVALID_INPUT", ["amountCents"]),
    ]
    assert codes(older, "compensationRateSupersede") == [("RATE_NOT_NEWER", ["validFrom"])]
    assert codes(missing, "compensationRateSupersede") == [("NOT_FOUND", ["id"])]
    assert await CompensationRate.all().count() == 1


@pytest.mark.parametrize(
    "role", [Role.SCHOOL, Role.AWARDING_BODY, Role.ASSESSOR, Role.COMMISSION_CHAIR]
)
async def test_only_the_registry_admin_changes_the_table(api, role):
    organisation = await (create_school() if role is Role.SCHOOL else create_awarding_body())
    viewer = (await create_user(role, organisation), role)

    result = await api.query(ADD, {"input": RATE}, as_=viewer)

    assert result["data"]["compensationRateAdd"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert await CompensationRate.all().count() == 0


async def test_the_public_cannot_change_or_read_the_table(api):
    result = await api.query(ADD, {"input": RATE})
    listed = await api.query(RATES)

    assert result["data"]["compensationRateAdd"]["userErrors"][0]["code"] == "UNAUTHENTICATED"
    assert listed["data"]["compensationRates"] is None
    assert listed["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_rate_is_a_node_for_the_roles_that_report(api, admin):
    added = (await api.query(ADD, {"input": RATE}, as_=admin))["data"]["compensationRateAdd"]
    query = "query ($id: ID!) { node(id: $id) { id ... on CompensationRate { amountCents } } }"

    as_admin = await api.query(query, {"id": added["rate"]["id"]}, as_=admin)
    as_public = await api.query(query, {"id": added["rate"]["id"]})

    assert as_admin["data"]["node"]["amountCents"] == 12_345
    assert as_public["data"]["node"] is None


FILTERED = """
query ($group: String, $type: ExamType) {
  compensationRates(curriculumGroup: $group, examType: $type) { validFrom supersededFrom }
}"""


@pytest.mark.parametrize(
    ("variables", "listed"),
    [
        ({"group": "9999"}, []),  # a group with no rates
        ({"group": "0715", "type": "THEORY"}, []),  # a type with no rates
        ({"group": "0715"}, [("2024-01-01", None)]),  # exactly one: no successor
    ],
)
async def test_a_filter_with_no_or_one_rate_lists_exactly_those(api, admin, variables, listed):
    await api.query(ADD, {"input": RATE}, as_=admin)

    result = await api.query(FILTERED, variables, as_=admin)

    assert "errors" not in result, result
    rates = result["data"]["compensationRates"]
    assert [(r["validFrom"], r["supersededFrom"]) for r in rates] == listed


async def test_an_empty_rate_table_is_an_empty_list(api, admin):
    result = await api.query(RATES, as_=admin)

    assert "errors" not in result, result
    assert result["data"]["compensationRates"] == []
