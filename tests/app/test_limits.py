"""Request limits: depth, tokens, aliases and cost are refused before anything executes."""

from __future__ import annotations

import pytest

from app.sqlcount import count_statements
from models.enums import ExamStatus, Role
from models.exam import Exam
from schema.node import to_global_id
from tests.factories import create_exam

NESTED_20 = (
    "{ exams { edges { node { "
    + "groups { participants { group { " * 5
    + "id"
    + " } } }" * 5
    + " } } } }"
)


async def _refused_without_sql(api, query: str) -> dict:
    with count_statements() as statements:
        response = await api.post(query)
    body = response.json()
    assert "errors" in body, body
    assert body.get("data") is None
    assert statements[0] == 0, "the query reached the database"
    return body


async def test_a_20_level_query_is_refused(api):
    body = await _refused_without_sql(api, NESTED_20)

    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_a_5000_token_query_is_refused(api):
    query = "{ " + " ".join(["__typename"] * 2500) + " }"

    body = await _refused_without_sql(api, query)

    assert "token" in body["errors"][0]["message"].lower()


async def test_too_many_aliases_are_refused(api):
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(30)) + " }"

    body = await _refused_without_sql(api, query)

    assert "aliases" in body["errors"][0]["message"].lower()


async def test_a_query_above_the_cost_limit_is_refused(api):
    query = """
    { exams(first: 100) { edges { node {
        groups { participants { group { participants { id } } } }
    } } } }"""

    body = await _refused_without_sql(api, query)

    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert body["extensions"]["cost"]["requested"] > body["extensions"]["cost"]["limit"]


async def test_the_cost_follows_first_and_is_reported(api):
    small = await api.query("{ standards(first: 2) { edges { node { name } } } }")
    large = await api.query("{ standards(first: 50) { edges { node { name } } } }")
    by_variable = await api.query(
        "query ($n: Int!) { standards(first: $n) { edges { node { name } } } }", {"n": 50}
    )

    assert small["extensions"]["cost"]["requested"] < large["extensions"]["cost"]["requested"]
    assert by_variable["extensions"]["cost"] == large["extensions"]["cost"]


async def test_first_above_100_is_refused(api):
    result = await api.query("{ standards(first: 101) { edges { node { name } } } }")

    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_verifying_documents_is_priced_per_protocol(api):
    query = (
        "query ($n: Int!) {{ exams(first: $n) {{ edges {{ node {{ protocols {{ {} }} }} }} }} }}"
    )
    plain = await api.post(query.format("number"), {"n": 20})
    verified = await api.post(query.format("verification { valid }"), {"n": 20})
    many = await api.post(query.format("verification { valid }"), {"n": 100})

    plain_cost = plain.json()["extensions"]["cost"]["requested"]
    assert verified.json()["extensions"]["cost"]["requested"] > 100 * plain_cost
    assert "errors" not in verified.json()
    assert many.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


# A variable's default must be priced as the literal it stands for (issue 11, item 1).
COSTLY = """
query {header} {{ exams(first: {value}) {{ edges {{ node {{
    history(first: {value}) {{ edges {{ node {{ id }} }} }}
    groups {{ participants {{ id }} }}
}} }} }} }}"""


@pytest.mark.parametrize(
    ("header", "variables"),
    [
        ("($f: Int! = 100)", {}),  # the variable's default
        ("($f: Int!)", {"f": 100}),  # the value supplied
        ("($f: Int = 100)", {}),  # a nullable variable's default
    ],
)
async def test_a_variable_is_priced_as_the_literal_it_stands_for(api, header, variables):
    literal = await api.post(COSTLY.format(header="", value="100"))
    with count_statements() as statements:
        by_variable = await api.post(COSTLY.format(header=header, value="$f"), variables)

    literal_cost = literal.json()["extensions"]["cost"]["requested"]
    assert literal.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert by_variable.json()["extensions"]["cost"]["requested"] == literal_cost
    assert by_variable.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert statements[0] == 0


async def test_an_argument_left_to_its_default_is_priced_by_that_default(api):
    omitted = await api.post("query ($f: Int) { standards(first: $f) { edges { node { name } } } }")
    twenty = await api.post("{ standards(first: 20) { edges { node { name } } } }")

    # `first: Int! = 20` with no value: execution takes the default of 20, so the price does.
    assert omitted.json()["extensions"]["cost"] == twenty.json()["extensions"]["cost"]


# Every limit-dependent argument is checked before anything runs (issue 11, item 2).
UPDATE_WITH_HISTORY = """
mutation ($id: ID!, $version: Int!, $first: Int!, $after: String) {
  examUpdate(id: $id, version: $version, input: {comment: "Uus"}) {
    exam { version history(first: $first, after: $after) { edges { node { id } } } }
    userErrors { code }
  }
}"""


@pytest.mark.parametrize(
    ("first", "after", "field"),
    [
        (10_000, None, ["examUpdate", "exam", "history", "first"]),
        (0, None, ["examUpdate", "exam", "history", "first"]),
        (10, "x" * 1001, ["examUpdate", "exam", "history", "after"]),
        (10, "bm90IGEgY3Vyc29y", ["examUpdate", "exam", "history", "after"]),
    ],
)
async def test_a_mutation_whose_payload_breaks_a_limit_changes_nothing(api, first, after, field):
    exam = await create_exam(status=ExamStatus.DRAFT)
    school = await exam.responsible

    answer = await api.query(
        UPDATE_WITH_HISTORY,
        {
            "id": to_global_id("Exam", exam.id),
            "version": exam.version,
            "first": first,
            "after": after,
        },
        as_=(school, Role.SCHOOL),
    )

    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["field"] == field
    assert answer["errors"][0]["extensions"]["code"] in {"BAD_USER_INPUT", "INVALID_INPUT"}
    unchanged = await Exam.get(id=exam.id)
    assert (unchanged.version, unchanged.comment) == (exam.version, exam.comment)


async def test_first_is_checked_in_nested_selections_and_fragments_before_any_sql(api):
    query = """
    query { exams(first: 5) { edges { node { ...H } } } }
    fragment H on Exam { history(first: 101) { edges { node { id } } } }"""

    with count_statements() as statements:
        body = (await api.post(query)).json()

    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": ["exams", "edges", "node", "history", "first"],
    }
    assert statements[0] == 0


async def test_nodes_takes_at_most_100_ids_checked_before_execution(api):
    ids = [to_global_id("Exam", n) for n in range(1, 102)]

    with count_statements() as statements:
        body = (
            await api.post("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
        ).json()

    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": ["nodes", "ids"]}
    assert statements[0] == 0


async def test_nodes_is_priced_by_the_ids_it_is_given(api):
    query = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    two = await api.post(query, {"ids": ["a", "b"]})
    hundred = await api.post(query, {"ids": [str(n) for n in range(100)]})

    assert two.json()["extensions"]["cost"]["requested"] == 2
    assert hundred.json()["extensions"]["cost"]["requested"] == 100
