"""Generated queries (hypothesis-graphql, fixed seed, bounded) over `exam` and `exams`, for
every role of the demo: both read paths answer alike, data and errors."""

from __future__ import annotations

import graphql
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import queries

from app.graphql import export_sdl
from resolvers.compiled.executor import ANSWERED
from tests.client import COMPARED

pytestmark = pytest.mark.postgres_only

EXAMPLES = 40

EXAM_IDS = "{ exams(first: 100) { edges { node { id } } } }"


def _generated(exam_ids: list[str]) -> list[str]:
    """A fixed list of documents: derandomized, so every run sends the same ones."""
    ids = st.sampled_from([*exam_ids, "RXhhbTo5OTk5", "not an id"])
    strategies = {
        "ID": ids.map(lambda value: graphql.StringValueNode(value=value)),
        # Mostly valid page sizes, sometimes one that today's path refuses.
        "Int": st.sampled_from([1, 2, 3, 20, 0, 101]).map(
            lambda value: graphql.IntValueNode(value=str(value))
        ),
        "String": st.sampled_from(["WzFd", "WyJhIiwgImIiLCAxXQ==", "garbage", "Tõnu"]).map(
            lambda value: graphql.StringValueNode(value=value)
        ),
        "Date": st.sampled_from(["2020-01-01", "2030-12-31"]).map(
            lambda value: graphql.StringValueNode(value=value)
        ),
    }
    found: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(queries(export_sdl(), fields=["exam", "exams"], custom_scalars=strategies))
    def collect(query: str) -> None:
        found.append(query)

    collect()
    return found


async def test_generated_queries_get_the_same_answer_on_both_paths_for_every_role(
    api, demo_viewers
):
    admin = demo_viewers[-1]
    listed = await api.post(EXAM_IDS, token=admin.token)
    exam_ids = [edge["node"]["id"] for edge in listed.json()["data"]["exams"]["edges"]]
    documents = _generated(exam_ids)
    assert len(set(documents)) > EXAMPLES // 2
    compared, answered = COMPARED[0], ANSWERED[0]

    for who in demo_viewers:
        for document in documents:
            response = await api.post(document, token=who.token)
            # Refused documents (depth, cost, aliases) answer 200 with errors, never 500.
            assert response.status_code == 200, (document, response.text)

    # A good share went through the compiled path and was compared with today's.
    assert ANSWERED[0] - answered > len(documents)
    assert COMPARED[0] - compared > len(documents)
