"""Every relation goes through a loader: the statement count does not grow with the data."""

from __future__ import annotations

import pytest

from app.sqlcount import count_statements
from models.enums import CommitteeRole, Role
from models.protocol import ProtocolSigner
from tests.conftest import BACKEND
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

EXAMS_DEEP = """
{ exams(first: 20) { totalCount edges { node {
    id status school { name } standard { name } curriculum { ehisCode }
    groups { name participantCount
      committee { role person { lastName } }
      participants { id kind fundingCode result person { firstName lastName personalCode } }
    }
    protocols { kind number documentUrl extractUrl signatures { signerRole signer { lastName } }
      signers { position signed person { lastName } } }
} } } }
"""


async def _school_with_exams(participants_per_group: int):  # type: ignore[no-untyped-def]
    school = await create_school()
    user = await create_user(Role.SCHOOL, school)
    for _ in range(3):
        exam = await create_exam(school=school)
        for _ in range(2):
            group = await create_group(exam)
            await create_committee_member(group, await create_person(), CommitteeRole.CHAIR)
            for _ in range(participants_per_group):
                await create_participant(exam, group)
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
    return user


async def _statements_for(api, participants_per_group: int) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    user = await _school_with_exams(participants_per_group)
    token = await api.token_for(user, Role.SCHOOL)
    with count_statements() as statements:
        result = await api.query(EXAMS_DEEP, token=token)
    assert "errors" not in result, result["errors"]
    return statements[0], result


@pytest.mark.parametrize("size", [10, 100])
async def test_the_exam_graph_costs_the_same_statements_for_10_and_100_participants(api, size):
    statements, result = await _statements_for(api, size)

    exams = result["data"]["exams"]["edges"]
    assert len(exams) == 3
    assert all(len(g["participants"]) == size for e in exams for g in e["node"]["groups"])
    if BACKEND == "postgres":
        # auth 1, then the compiled statement that builds the whole answer
        assert statements == 2
    else:
        # SQLite takes the dataloader path: auth 1, exams page 1, school/standard/curriculum
        # 3, groups 1, committee 1, participants 1, protocols 1, signatures 1, signers 2
        # (who, and who has signed), totalCount 1
        assert statements == 13
