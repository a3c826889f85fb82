"""Request limits: depth, tokens, aliases and cost are refused before anything executes."""

from __future__ import annotations

from app.sqlcount import count_statements

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
