"""The whole appeal through the API: filed, reviewed, upheld or rejected; notifications,
audit (Exam.history) and APPEAL events written with each change."""

from __future__ import annotations

import asyncio
import base64

from models.appeal import Appeal, AppealAttachment
from models.audit import AuditEvent
from models.enums import AppealStatus, ParticipantResult, Role
from models.events import Event, Topic
from models.notification import Notification
from tests.appeal.conftest import (
    APPEAL_DECIDE,
    APPEAL_FILE,
    APPEAL_REVIEW,
    APPEAL_WITHDRAW,
    APPEALS,
    MY_PARTICIPATIONS,
    PDF,
    examinee_of,
    file_with,
    filing,
    personal_token,
)
from tests.protocol.conftest import HeldExam
from tests.protocol.test_signing_flow import gid

HISTORY = """
query($id: ID!) { exam(id: $id) { history(first: 50) { edges { node { action } } } } }"""


async def test_an_examinee_files_and_the_chair_upholds_the_appeal(
    api, decided: HeldExam, heard: list[Event]
):
    failed = examinee_of(decided, ParticipantResult.FAILED)
    person = await failed.person
    token = personal_token(api, person)
    # when the examinee files in their own view, with a PDF (a multipart upload)
    filed = await file_with(api, filing(failed), [("selgitus.pdf", PDF)], token)
    payload = filed["data"]["appealFile"]
    assert payload["userErrors"] == []
    appeal = payload["appeal"]
    assert appeal["status"] == "FILED"
    assert appeal["channel"] == "ONLINE"
    assert appeal["examinee"]["personalCode"] == person.personal_code
    assert appeal["attachments"] == [{"filename": "selgitus.pdf", "size": len(PDF)}]
    assert appeal["overdue"] is False

    # then the examinee, the school and the awarding body are told, in the same change
    told = set(
        await Notification.filter(kind="appeal.filed").values_list("recipient_id", flat=True)
    )
    assert {person.id, decided.school_user.id, decided.body_user.id} <= told

    # when the awarding body takes it up and the chair upholds it
    review = await api.query(
        APPEAL_REVIEW, {"id": appeal["id"]}, as_=(decided.body_user, Role.AWARDING_BODY)
    )
    assert review["data"]["appealReviewStart"]["appeal"]["status"] == "UNDER_REVIEW"
    decision = await api.query(
        APPEAL_DECIDE,
        {"id": appeal["id"], "upheld": True, "reason": "Hindamisjuhendit rakendati valesti."},
        as_=(decided.chair, Role.COMMISSION_CHAIR),
    )
    decided_appeal = decision["data"]["appealDecide"]
    assert decided_appeal["userErrors"] == []
    assert decided_appeal["appeal"]["status"] == "UPHELD"
    assert decided_appeal["appeal"]["decidedAt"] is not None

    # then the examinee sees the outcome in their own view
    mine = (await api.query(MY_PARTICIPATIONS, token=token))["data"]["myParticipations"]
    assert [a["status"] for a in mine[0]["appeals"]] == ["UPHELD"]
    told = set(
        await Notification.filter(kind="appeal.decided").values_list("recipient_id", flat=True)
    )
    assert {person.id, decided.school_user.id, decided.body_user.id} <= told
    # and every step is in the audit and in the exam's history
    history = await api.query(
        HISTORY,
        {"id": gid("Exam", decided.exam.id)},
        as_=(decided.body_user, Role.AWARDING_BODY),
    )
    actions = [e["node"]["action"] for e in history["data"]["exam"]["history"]["edges"]]
    assert {"appeal.file", "appeal.review", "appeal.decide"} <= set(actions)
    audit = await AuditEvent.filter(entity="appeal").order_by("id").values("actor_role", "after")
    assert audit[0]["actor_role"] is None  # the examinee acted in their own view
    assert all(person.personal_code not in str(row["after"]) for row in audit)
    for _ in range(50):  # NOTIFY arrives on the listening connection soon after COMMIT
        if len([e for e in heard if e.topic is Topic.APPEAL]) >= 3:
            break
        await asyncio.sleep(0.05)
    appeal_events = [e for e in heard if e.topic is Topic.APPEAL]
    assert [e.kind for e in appeal_events] == ["appeal.file", "appeal.review", "appeal.decide"]
    assert [e.data["status"] for e in appeal_events] == ["FILED", "UNDER_REVIEW", "UPHELD"]
    assert all(person.personal_code not in e.encode() for e in appeal_events)


async def test_the_school_files_for_its_student_and_the_chair_rejects(api, decided: HeldExam):
    partial = examinee_of(decided, ParticipantResult.PARTIALLY_PASSED)
    filed = await api.query(
        APPEAL_FILE,
        {"input": filing(partial, subject="RESULT")},
        as_=(decided.school_user, Role.SCHOOL),
    )
    appeal = filed["data"]["appealFile"]["appeal"]
    assert filed["data"]["appealFile"]["userErrors"] == []
    await api.query(APPEAL_REVIEW, {"id": appeal["id"]}, as_=(decided.chair, Role.COMMISSION_CHAIR))

    decision = await api.query(
        APPEAL_DECIDE,
        {"id": appeal["id"], "upheld": False, "reason": "Hindamine vastas juhendile."},
        as_=(decided.chair, Role.COMMISSION_CHAIR),
    )

    assert decision["data"]["appealDecide"]["appeal"]["status"] == "REJECTED"
    row = await Appeal.get(id=int(base64.urlsafe_b64decode(appeal["id"] + "==").split(b":")[1]))
    assert row.filed_by_role is Role.SCHOOL
    assert row.decision_reason == "Hindamine vastas juhendile."
    listed = await api.query(APPEALS, as_=(decided.body_user, Role.AWARDING_BODY))
    assert [e["node"]["status"] for e in listed["data"]["appeals"]["edges"]] == ["REJECTED"]


async def test_the_examinee_withdraws_before_a_decision(api, decided: HeldExam):
    failed = examinee_of(decided, ParticipantResult.FAILED)
    token = personal_token(api, await failed.person)
    appeal = (await api.query(APPEAL_FILE, {"input": filing(failed)}, token=token))["data"][
        "appealFile"
    ]["appeal"]

    withdrawn = await api.query(APPEAL_WITHDRAW, {"id": appeal["id"]}, token=token)

    assert withdrawn["data"]["appealWithdraw"]["appeal"]["status"] == "WITHDRAWN"
    assert await Notification.filter(kind="appeal.withdrawn").exists()
    # a withdrawn appeal is no longer open: a new one may be filed
    again = await api.query(APPEAL_FILE, {"input": filing(failed)}, token=token)
    assert again["data"]["appealFile"]["userErrors"] == []
    assert await Appeal.filter(status=AppealStatus.FILED).count() == 1
    assert await AppealAttachment.all().count() == 0
