"""Bad input gets a clear code and changes nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from models.access import Viewer
from models.appeal import Appeal, AppealAttachment
from models.clock import now, today
from models.enums import AppealStatus, AppealSubject, ParticipantResult, Role
from models.notification import Notification
from models.protocol import Signature
from models.workflow.appeal import AppealFiling, Attachment, file_appeal
from models.workflow.errors import DomainError
from tests.appeal.conftest import (
    APPEAL_DECIDE,
    APPEAL_FILE,
    APPEAL_REVIEW,
    APPEAL_WITHDRAW,
    PDF,
    examinee_of,
    file_with,
    filing,
    personal_token,
)
from tests.factories import create_awarding_body, create_user
from tests.protocol.conftest import HeldExam, make_held_exam


def codes(answer: dict, field: str) -> list[str]:
    return [e["code"] for e in answer["data"][field]["userErrors"]]


async def _nothing_filed() -> None:
    assert await Appeal.all().count() == 0
    assert await AppealAttachment.all().count() == 0
    assert not await Notification.filter(kind__startswith="appeal.").exists()


async def _under_review(api, held: HeldExam) -> str:  # type: ignore[no-untyped-def]
    failed = examinee_of(held, ParticipantResult.FAILED)
    token = personal_token(api, await failed.person)
    appeal = (await api.query(APPEAL_FILE, {"input": filing(failed)}, token=token))["data"][
        "appealFile"
    ]["appeal"]
    await api.query(APPEAL_REVIEW, {"id": appeal["id"]}, as_=(held.body_user, Role.AWARDING_BODY))
    return appeal["id"]


async def test_another_persons_participation_is_not_found(api, decided: HeldExam):
    mine = examinee_of(decided, ParticipantResult.FAILED)
    theirs = examinee_of(decided, ParticipantResult.PASSED)

    answer = await api.query(
        APPEAL_FILE, {"input": filing(theirs)}, token=personal_token(api, await mine.person)
    )

    assert codes(answer, "appealFile") == ["NOT_FOUND"]
    await _nothing_filed()


async def test_another_schools_user_cannot_file_for_the_student(api, decided: HeldExam):
    from tests.factories import create_school

    stranger = await create_user(Role.SCHOOL, await create_school(name="Muu kool"))
    answer = await api.query(
        APPEAL_FILE,
        {"input": filing(examinee_of(decided, ParticipantResult.FAILED))},
        as_=(stranger, Role.SCHOOL),
    )
    assert codes(answer, "appealFile") == ["NOT_FOUND"]
    await _nothing_filed()


async def test_an_empty_reason_is_refused(api, decided: HeldExam):
    failed = examinee_of(decided, ParticipantResult.FAILED)
    answer = await api.query(
        APPEAL_FILE,
        {"input": filing(failed, reason="   ")},
        token=personal_token(api, await failed.person),
    )
    assert codes(answer, "appealFile") == ["REASON_REQUIRED"]
    await _nothing_filed()


async def test_an_attachment_that_is_not_a_pdf_is_refused(api, decided: HeldExam):
    failed = examinee_of(decided, ParticipantResult.FAILED)
    answer = await file_with(
        api,
        filing(failed),
        [("foto.png", b"\x89PNG....")],
        personal_token(api, await failed.person),
    )
    assert codes(answer, "appealFile") == ["ATTACHMENT_NOT_PDF"]
    assert answer["data"]["appealFile"]["userErrors"][0]["field"] == ["attachments", "0"]
    await _nothing_filed()


async def test_an_attachment_too_large_is_refused(decided: HeldExam):
    failed = examinee_of(decided, ParticipantResult.FAILED)
    viewer = Viewer(failed.person_id, None, None)
    big = Attachment("suur.pdf", PDF + b"0" * 2048)

    with pytest.raises(DomainError) as refused:
        await file_appeal(
            viewer,
            AppealFiling(failed.id, AppealSubject.DECISION, "Põhjus", [big]),
            max_attachment_bytes=1024,
        )

    assert [p.code for p in refused.value.problems] == ["ATTACHMENT_TOO_LARGE"]
    await _nothing_filed()


async def test_an_attachment_over_the_setting_is_refused_through_the_api(api, decided: HeldExam):
    failed = examinee_of(decided, ParticipantResult.FAILED)
    limit = api.app.state.settings.appeal_attachment_max_bytes
    big = PDF + b"0" * limit  # one file over EH_APPEAL_ATTACHMENT_MAX_BYTES

    answer = await file_with(
        api, filing(failed), [("suur.pdf", big)], personal_token(api, await failed.person)
    )

    assert codes(answer, "appealFile") == ["ATTACHMENT_TOO_LARGE"]
    await _nothing_filed()


async def test_attachments_larger_than_a_json_body_may_be_are_accepted(api, decided: HeldExam):
    failed = examinee_of(decided, ParticipantResult.FAILED)
    settings = api.app.state.settings
    size = min(settings.appeal_attachment_max_bytes, settings.max_body_bytes + 4096)
    scan = PDF + b"0" * (size - len(PDF))  # over the JSON body limit, within the file limit
    assert settings.max_body_bytes < len(scan) <= settings.appeal_attachment_max_bytes

    answer = await file_with(
        api, filing(failed), [("skaneering.pdf", scan)], personal_token(api, await failed.person)
    )

    assert codes(answer, "appealFile") == []
    stored = await AppealAttachment.all().values_list("filename", flat=True)
    assert list(stored) == ["skaneering.pdf"]


async def test_a_second_open_appeal_on_the_same_decision_is_refused(api, decided: HeldExam):
    failed = examinee_of(decided, ParticipantResult.FAILED)
    token = personal_token(api, await failed.person)
    first = await api.query(APPEAL_FILE, {"input": filing(failed)}, token=token)
    assert codes(first, "appealFile") == []

    second = await api.query(APPEAL_FILE, {"input": filing(failed)}, token=token)
    other_subject = await api.query(
        APPEAL_FILE, {"input": filing(failed, subject="RESULT")}, token=token
    )

    assert codes(second, "appealFile") == ["APPEAL_EXISTS"]
    assert codes(other_subject, "appealFile") == []  # the result is another matter
    assert await Appeal.all().count() == 2


async def test_a_late_appeal_is_refused_but_a_paper_one_received_in_time_is_registered(
    api, decided: HeldExam
):
    # the decision was announced 20 days ago; a week (to a working day) has passed
    await Signature.all().update(signed_at=now() - timedelta(days=20))
    failed = examinee_of(decided, ParticipantResult.FAILED)

    late = await api.query(
        APPEAL_FILE, {"input": filing(failed)}, token=personal_token(api, await failed.person)
    )
    paper = await api.query(
        APPEAL_FILE,
        {"input": filing(failed, receivedOn=(today() - timedelta(days=16)).isoformat())},
        as_=(decided.body_user, Role.AWARDING_BODY),
    )

    assert codes(late, "appealFile") == ["APPEAL_DEADLINE_PASSED"]
    assert codes(paper, "appealFile") == []
    assert paper["data"]["appealFile"]["appeal"]["channel"] == "PAPER"
    # decided within a week of registration: that week is over, so it is overdue at once
    assert paper["data"]["appealFile"]["appeal"]["overdue"] is True
    assert await Appeal.all().count() == 1


async def test_working_day_deadline_setting_is_the_awarding_bodys(api, decided: HeldExam):
    decided.body.appeal_period_days = 1
    decided.body.appeal_period_in_working_days = True
    await decided.body.save()
    await Signature.all().update(signed_at=now() - timedelta(days=10))
    failed = examinee_of(decided, ParticipantResult.FAILED)

    late = await api.query(
        APPEAL_FILE, {"input": filing(failed)}, token=personal_token(api, await failed.person)
    )

    assert codes(late, "appealFile") == ["APPEAL_DEADLINE_PASSED"]


async def test_no_appeal_before_the_result_is_announced(api):
    held = await make_held_exam(groups=1, per_group=4)  # results entered, nothing signed
    failed = examinee_of(held, ParticipantResult.FAILED)
    answer = await api.query(
        APPEAL_FILE,
        {"input": filing(failed, subject="RESULT")},
        token=personal_token(api, await failed.person),
    )
    assert codes(answer, "appealFile") == ["INVALID_STATE"]
    await _nothing_filed()


async def test_a_decision_by_someone_outside_the_body_is_forbidden(api, decided: HeldExam):
    appeal_id = await _under_review(api, decided)
    other_chair = await create_user(
        Role.COMMISSION_CHAIR, await create_awarding_body(name="Muu kutse andja", code="80000001")
    )
    decide = {"id": appeal_id, "upheld": True, "reason": "Rahuldada."}

    outsider = await api.query(APPEAL_DECIDE, decide, as_=(other_chair, Role.COMMISSION_CHAIR))
    body_user = await api.query(APPEAL_DECIDE, decide, as_=(decided.body_user, Role.AWARDING_BODY))
    failed = examinee_of(decided, ParticipantResult.FAILED)
    examinee = await api.query(
        APPEAL_DECIDE, decide, token=personal_token(api, await failed.person)
    )

    assert codes(outsider, "appealDecide") == ["FORBIDDEN"]
    assert codes(body_user, "appealDecide") == ["FORBIDDEN"]
    assert codes(examinee, "appealDecide") == ["FORBIDDEN"]
    assert (await Appeal.get()).status is AppealStatus.UNDER_REVIEW


async def test_nothing_changes_after_the_decision(api, decided: HeldExam):
    appeal_id = await _under_review(api, decided)
    chair = (decided.chair, Role.COMMISSION_CHAIR)
    await api.query(APPEAL_DECIDE, {"id": appeal_id, "upheld": False, "reason": "Ei."}, as_=chair)
    failed = examinee_of(decided, ParticipantResult.FAILED)

    again = await api.query(
        APPEAL_DECIDE, {"id": appeal_id, "upheld": True, "reason": "Siiski."}, as_=chair
    )
    withdraw = await api.query(
        APPEAL_WITHDRAW, {"id": appeal_id}, token=personal_token(api, await failed.person)
    )

    assert codes(again, "appealDecide") == ["INVALID_STATE"]
    assert codes(withdraw, "appealWithdraw") == ["INVALID_STATE"]
    row = await Appeal.get()
    assert row.status is AppealStatus.REJECTED
    assert row.decision_reason == "Ei."


async def test_a_decision_needs_reasons(api, decided: HeldExam):
    appeal_id = await _under_review(api, decided)
    answer = await api.query(
        APPEAL_DECIDE,
        {"id": appeal_id, "upheld": True, "reason": ""},
        as_=(decided.chair, Role.COMMISSION_CHAIR),
    )
    assert codes(answer, "appealDecide") == ["REASON_REQUIRED"]
    assert (await Appeal.get()).status is AppealStatus.UNDER_REVIEW


async def test_two_decisions_at_once_exactly_one_wins(api, decided: HeldExam):
    appeal_id = await _under_review(api, decided)
    second_chair = await create_user(Role.COMMISSION_CHAIR, decided.body)

    answers = await asyncio.gather(
        api.query(
            APPEAL_DECIDE,
            {"id": appeal_id, "upheld": True, "reason": "Rahuldada."},
            as_=(decided.chair, Role.COMMISSION_CHAIR),
        ),
        api.query(
            APPEAL_DECIDE,
            {"id": appeal_id, "upheld": False, "reason": "Jätta rahuldamata."},
            as_=(second_chair, Role.COMMISSION_CHAIR),
        ),
    )

    outcomes = sorted(codes(a, "appealDecide") for a in answers)
    assert outcomes == [[], ["INVALID_STATE"]]
    row = await Appeal.get()
    winner = next(a for a in answers if not codes(a, "appealDecide"))
    assert row.status.value == winner["data"]["appealDecide"]["appeal"]["status"]
    assert await Notification.filter(kind="appeal.decided").count() == len(
        set(await Notification.filter(kind="appeal.decided").values_list("recipient_id", flat=True))
    )
