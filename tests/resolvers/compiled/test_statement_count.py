"""A query made only of compiled types costs two statements (the token's check and the
compiled statement), however wide or deep it is and however many rows it returns."""

from __future__ import annotations

from datetime import time

import pytest

from app.sqlcount import count_statements
from models.enums import CommitteeRole, ParticipantResult, Role
from models.protocol import ProtocolSigner
from tests.factories import (
    create_committee_member,
    create_exam,
    create_group,
    create_participant,
    create_person,
    create_protocol,
    create_school,
    create_signature,
    create_user,
)

pytestmark = pytest.mark.postgres_only

NARROW = "{ exams(first: 50) { edges { node { id } } } }"

BROAD = """
{ exams(first: 10) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
    id status examType version graduationDate language finalCourse comment returnReason
    createdAt submittedAt acceptedAt assessedAt completedAt cancelledAt
    school { id name ehisCode } awardingBody { id name registryCode }
    curriculum { id ehisCode name compound school { name } }
    standard { id code name ekrLevel validFrom }
    responsible { id firstName lastName personalCode }
    groups { id name limit date time place room participantCount freePlaces
      committee { role person { lastName personalCode } }
      participants { id kind course fundingCode stateFunded specialNeeds result score
        person { firstName lastName personalCode } } }
    participants(first: 20) { totalCount edges { cursor node { id person { lastName } } } }
    protocols { id kind number date status documentUrl extractUrl
      signatures { signerRole method signedAt signer { lastName } }
      signers { position roleLabel signed person { lastName } } }
} } } }
"""

DEEP = """
query ($id: ID!) { exam(id: $id) {
  groups { participants { group { committee { person { lastName } } } person { lastName } } }
  protocols { signers { person { lastName } } signatures { signer { lastName } } }
} }
"""


async def _school(exams: int, groups: int, participants: int):  # type: ignore[no-untyped-def]
    school = await create_school()
    user = await create_user(Role.SCHOOL, school)
    first_exam = None
    for _ in range(exams):
        exam = await create_exam(school=school)
        first_exam = first_exam or exam
        for g in range(groups):
            group = await create_group(exam, time=time(9, 30, 15, 250 if g else 0))
            await create_committee_member(group, await create_person(), CommitteeRole.CHAIR)
            for _ in range(participants):
                await create_participant(exam, group, result=ParticipantResult.PASSED, score=80)
            protocol = await create_protocol(exam, group)
            signer = await create_person()
            await create_signature(protocol, signer)
            await ProtocolSigner.create(
                protocol=protocol,
                person=signer,
                position=1,
                role_label="Esimees / Chair",
                field_name="allkiri-1",
                field_page=0,
                field_box=[0, 0, 10, 10],
            )
        await create_protocol(exam)
    return user, first_exam


@pytest.mark.parametrize(("exams", "groups", "participants"), [(1, 1, 1), (4, 3, 15)])
async def test_compiled_queries_cost_two_statements_whatever_their_breadth_depth_and_rows(
    api, exams, groups, participants
):
    from schema.node import to_global_id

    user, exam = await _school(exams, groups, participants)
    token = await api.token_for(user, Role.SCHOOL)

    for query, variables in (
        (NARROW, {}),
        (BROAD, {}),
        (DEEP, {"id": to_global_id("Exam", exam.id)}),
    ):
        with count_statements() as statements:
            response = await api.http.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
        body = response.json()
        # Only the committee members' codes, which a school may not see.
        assert {e["extensions"]["code"] for e in body.get("errors", [])} <= {"FORBIDDEN"}
        # The bearer token's check, then one statement for the whole answer.
        assert statements[0] == 2, query
    data = body["data"]["exam"]
    assert len(data["groups"]) == groups
    assert len(data["groups"][0]["participants"]) == participants
    assert data["groups"][0]["participants"][0]["group"]["committee"][0]["person"]["lastName"]
