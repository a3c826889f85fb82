"""The examinee's own view: their participations, results once announced, the decision,
certificates, notifications and appeals, and nobody else's."""

from __future__ import annotations

from datetime import timedelta

from models.clock import today
from models.enums import ParticipantResult, Role
from tests.appeal.conftest import (
    APPEAL_DECIDE,
    APPEAL_FILE,
    MY_PARTICIPATIONS,
    examinee_of,
    filing,
    personal_token,
)
from tests.appeal.test_refusals import _under_review
from tests.protocol.conftest import HeldExam, make_held_exam
from tests.protocol.test_signing_flow import gid

MINE = "{ myCertificates(first: 10) { totalCount } notifications(first: 10) { totalCount } }"
ROLE_SELECT = """
mutation($role: Role, $organisation: ID) {
  roleSelect(role: $role, organisation: $organisation) {
    token me { activeRole { role } } userErrors { code }
  }
}"""
EXAM = "query($id: ID!) { exam(id: $id) { id } }"


async def test_nothing_is_shown_before_the_protocols_are_signed(api):
    held = await make_held_exam(groups=1, per_group=4)
    failed = examinee_of(held, ParticipantResult.FAILED)

    mine = await api.query(MY_PARTICIPATIONS, token=personal_token(api, await failed.person))

    [participation] = mine["data"]["myParticipations"]
    assert participation["id"] == gid("Participant", failed.id)
    assert participation["date"] == (today() - timedelta(days=1)).isoformat()
    assert (participation["time"], participation["place"]) == ("09:00:00", "garaaž")
    assert participation["resultAnnounced"] is False
    assert participation["result"] is None
    assert participation["score"] is None
    assert participation["decisionAnnounced"] is False
    assert participation["awarded"] is None
    assert participation["resultAppealDeadline"] is None


async def test_the_examinee_sees_their_result_decision_and_certificate(api, decided: HeldExam):
    passed = examinee_of(decided, ParticipantResult.PASSED)
    token = personal_token(api, await passed.person)

    mine = await api.query(MY_PARTICIPATIONS, token=token)
    [participation] = mine["data"]["myParticipations"]
    assert participation["resultAnnounced"] is True
    assert participation["result"] == "PASSED"
    assert participation["score"] == passed.score
    assert participation["decisionAnnounced"] is True
    assert participation["awarded"] is True
    assert participation["commissionProtocolNumber"].startswith("KP-80253652-")
    assert participation["decisionAppealDeadline"] is not None
    own = (await api.query(MINE, token=token))["data"]
    assert own["myCertificates"]["totalCount"] == 1
    # and the exam itself, other participants and their results stay out of reach
    exam = await api.query(EXAM, {"id": gid("Exam", decided.exam.id)}, token=token)
    assert exam["data"]["exam"] is None


async def test_the_view_shows_nobody_elses_participations(api, decided: HeldExam):
    failed = examinee_of(decided, ParticipantResult.FAILED)
    stranger = await make_held_exam(groups=1, per_group=1, awarding_body=decided.body)
    other = examinee_of(stranger, ParticipantResult.PASSED)

    mine = await api.query(MY_PARTICIPATIONS, token=personal_token(api, await failed.person))
    public = (await api.post(MY_PARTICIPATIONS)).json()

    assert [p["id"] for p in mine["data"]["myParticipations"]] == [gid("Participant", failed.id)]
    assert gid("Participant", other.id) not in str(mine)
    assert public["data"]["myParticipations"] == []


async def test_a_person_with_roles_switches_to_their_own_view_and_back(api, decided: HeldExam):
    token = await api.token_for(decided.school_user, Role.SCHOOL)

    own = await api.query(ROLE_SELECT, {"role": None}, token=token)

    payload = own["data"]["roleSelect"]
    assert payload["userErrors"] == []
    assert payload["me"]["activeRole"] is None
    back = await api.query(
        ROLE_SELECT,
        {"role": "SCHOOL", "organisation": gid("School", decided.school.id)},
        token=payload["token"],
    )
    assert back["data"]["roleSelect"]["me"]["activeRole"] == {"role": "SCHOOL"}


async def test_the_examinee_downloads_their_decision_and_nobody_else_can(api, decided: HeldExam):
    appeal_id = await _under_review(api, decided)
    await api.query(
        APPEAL_DECIDE,
        {"id": appeal_id, "upheld": False, "reason": "Ei."},
        as_=(decided.chair, Role.COMMISSION_CHAIR),
    )
    failed = examinee_of(decided, ParticipantResult.FAILED)
    mine = await api.query(MY_PARTICIPATIONS, token=personal_token(api, await failed.person))
    appeal = next(p for p in mine["data"]["myParticipations"] if p["appeals"])["appeals"][0]
    url = f"/documents/appeals/{appeal['id']}"
    other = await examinee_of(decided, ParticipantResult.PASSED).person

    own = await api.http.get(
        url, headers={"Authorization": f"Bearer {personal_token(api, await failed.person)}"}
    )
    theirs = await api.http.get(
        url, headers={"Authorization": f"Bearer {personal_token(api, other)}"}
    )
    anonymous = await api.http.get(url)

    assert own.status_code == 200
    assert own.content.startswith(b"%PDF-")
    assert theirs.status_code == 404
    assert anonymous.status_code == 401
    # a decided appeal is no longer open: another may follow within the period
    again = await api.query(
        APPEAL_FILE, {"input": filing(failed)}, token=personal_token(api, await failed.person)
    )
    assert again["data"]["appealFile"]["userErrors"] == []
