"""The appeal list and the own view read in a fixed number of statements, whatever the
number of appeals."""

from __future__ import annotations

from app.sqlcount import count_statements
from models.enums import ParticipantResult, Role
from tests.appeal.conftest import APPEAL_FILE, MY_PARTICIPATIONS, filing, personal_token
from tests.protocol.conftest import HeldExam

LIST = """
{ appeals(first: 50) { edges { node { id status examinee { firstName personalCode }
  attachments { filename } decisionSigned } } } }"""


async def _count(api, query: str, token: str) -> int:  # type: ignore[no-untyped-def]
    with count_statements() as statements:
        answer = await api.query(query, token=token)
    assert "errors" not in answer, answer["errors"]
    return statements[0]


async def test_statements_do_not_grow_with_the_appeals(api, decided: HeldExam):
    body = await api.token_for(decided.body_user, Role.AWARDING_BODY)
    participants = [p for g in decided.groups for p in decided.participants[g.id]]
    failed = next(p for p in participants if decided.results[p.id] is ParticipantResult.FAILED)
    token = personal_token(api, await failed.person)
    await api.query(APPEAL_FILE, {"input": filing(failed)}, token=token)
    one_list, one_own = await _count(api, LIST, body), await _count(api, MY_PARTICIPATIONS, token)

    for participant in participants:
        if participant.id != failed.id:
            await api.query(
                APPEAL_FILE,
                {"input": filing(participant)},
                token=personal_token(api, await participant.person),
            )
    await api.query(APPEAL_FILE, {"input": filing(failed, subject="RESULT")}, token=token)

    assert await _count(api, LIST, body) == one_list
    assert await _count(api, MY_PARTICIPATIONS, token) == one_own
