"""The compiled read path answers exactly as today's path: every role of the demo, documents
that use every part of the language the compiler handles, pages walked by cursor, and
requests that fail. `tests/client.py` sends each query through both paths and compares the
data and the errors (messages, paths, locations, codes); these tests add what the suite's
own documents may not reach."""

from __future__ import annotations

from typing import Any

import pytest

from bench.queries import EXAM_PAGE, SCHOOL_LIST
from resolvers.compiled.executor import ANSWERED
from tests.client import COMPARED

pytestmark = pytest.mark.postgres_only

EVERY_PART = """
fragment Who on Person { __typename id firstName lastName personalCode }
fragment GroupHead on ExamGroup { id name ... on ExamGroup { limit freePlaces } participantCount }
query Everything($first: Int!, $withCommittee: Boolean!, $skipProtocols: Boolean!) {
  list: exams(first: $first) {
    __typename
    totalCount
    pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
    edges { __typename cursor node {
      __typename id st: status
      ... on Exam { examType version graduationDate language finalCourse comment returnReason
        createdAt submittedAt acceptedAt assessedAt completedAt cancelledAt }
      responsible { ...Who }
      school { id name ehisCode __typename }
      awardingBody { id name registryCode }
      curriculum { id ehisCode name levelTypeCode levelTypeName nominalYears nominalMonths
        registeredOn admissionOpen compound curriculumGroup finalCourse school { name } }
      standard { id code version name nameEn kind ekrLevel eqfLevel validFrom validUntil status
        partialQualifications { name } }
      groups {
        ...GroupHead
        date time place room version language
        committee @include(if: $withCommittee) { role person { ...Who } }
        participants { id kind course language version fundingCode stateFunded specialNeeds
          result score person { ...Who } group { id name } }
      }
      protocols @skip(if: $skipProtocols) {
        id kind number date status version documentUrl extractUrl
        signatures { signerRole method signedAt timestampAt certificateSubject signer { ...Who } }
        signers { position roleLabel signed person { ...Who } }
      }
      some: participants(first: 3) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { cursor node { id person { lastName personalCode } } }
      }
      eligibleStudents(first: 2) { totalCount edges { node { id course } } }
      retakerCandidates(first: 2) { edges { node { id } } }
      history(first: 2) { edges { node { action actorRole actor { ...Who } } } }
    } }
  }
}
"""

ONE_EXAM = """
query One($id: ID!) {
  exam(id: $id) {
    id status
    groups { name participants { person { firstName personalCode } result } }
    alias: groups { id }
    participants(first: 5) { edges { node { fundingCode person { lastName } } } }
    protocols { kind documentUrl extractUrl signers { signed person { personalCode } } }
  }
}
"""

EXAM_IDS = "{ exams(first: 100) { edges { node { id } } } }"

PAGE = """
query Page($id: ID!, $after: String) {
  exam(id: $id) { participants(first: 2, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id person { firstName lastName } } }
  } }
}
"""

EXAMS_PAGE = """
query ExamsPage($after: String, $filter: ExamFilter) {
  exams(first: 2, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id status } }
  }
}
"""

FAILING = [
    ('{ exam(id: "not an id") { id } }', {}),
    ("{ exams(first: 0) { totalCount } }", {}),
    ('{ exams(first: 2, after: "garbage") { totalCount } }', {}),
    ("{ exams(first: 5) { edges { node { id participants(first: 500) { totalCount } } } } }", {}),
    (
        "query ($after: String) { exams(first: 5) { edges { node { participants(first: 2, "
        "after: $after) { totalCount } } } } }",
        {"after": "WyJhIl0="},
    ),
    ('{ exams(first: 3, filter: {curriculum: "bm9wZTox"}) { totalCount } }', {}),
]


async def _query(api, who, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = await api.post(query, variables, token=who.token)
    assert response.status_code == 200, response.text
    return response.json()


async def _exam_ids(api, who) -> list[str]:  # type: ignore[no-untyped-def]
    body = await _query(api, who, EXAM_IDS)
    return [edge["node"]["id"] for edge in body["data"]["exams"]["edges"]]


async def test_every_role_gets_the_same_answers_on_both_paths(api, demo_viewers):
    compared, answered = COMPARED[0], ANSWERED[0]
    for who in demo_viewers:
        for variables in (
            {"first": 20, "withCommittee": True, "skipProtocols": False},
            {"first": 1, "withCommittee": False, "skipProtocols": True},
        ):
            await _query(api, who, EVERY_PART, variables)
        await _query(api, who, EXAM_PAGE.replace("$id: ID!", "$id: ID!"), {"id": "RXhhbTox"})
        await _query(api, who, SCHOOL_LIST, {"first": 20})
        for exam_id in [*await _exam_ids(api, who), "RXhhbTo5OTk5"]:
            await _query(api, who, ONE_EXAM, {"id": exam_id})
        for query, variables in FAILING:
            await _query(api, who, query, variables)

    # Both paths ran and were compared, for every role that sees exams (not the public).
    assert ANSWERED[0] - answered >= (len(demo_viewers) - 1) * 8
    assert COMPARED[0] - compared >= (len(demo_viewers) - 1) * 8


async def test_paging_by_cursor_walks_the_same_rows_and_cursors_work_on_either_path(
    api, demo_viewers
):
    from resolvers.compiled.context import compiled_reads

    admin = demo_viewers[-1]
    walked = 0
    for exam_id in await _exam_ids(api, admin):
        pages: dict[bool, list[str]] = {}
        for compiled in (True, False):
            after, seen = None, []
            while True:
                switched = compiled_reads.set(compiled)
                try:
                    body = await _query(api, admin, PAGE, {"id": exam_id, "after": after})
                finally:
                    compiled_reads.reset(switched)
                page = body["data"]["exam"]["participants"]
                seen += [edge["cursor"] for edge in page["edges"]]
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            pages[compiled] = seen
        # The same cursors, byte for byte, page after page, whichever path issued them.
        assert pages[True] == pages[False]
        walked += len(pages[True])
    assert walked > 20

    after = None
    listed = []
    for compiled in (True, False, True, False, True, False):
        switched = compiled_reads.set(compiled)
        try:
            body = await _query(api, admin, EXAMS_PAGE, {"after": after})
        finally:
            compiled_reads.reset(switched)
        page = body["data"]["exams"]
        listed += [edge["node"]["id"] for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert listed == await _exam_ids(api, admin)
    filtered = await _query(api, admin, EXAMS_PAGE, {"filter": {"status": ["COMPLETED"]}})
    assert {edge["node"]["status"] for edge in filtered["data"]["exams"]["edges"]} == {"COMPLETED"}
