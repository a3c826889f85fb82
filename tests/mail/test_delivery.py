"""Delivery through a real SMTP server: exactly once, retried when the server is down or
answers 4xx, given up on 5xx, and the text arrives as written."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from app.logs import PERSONAL_CODE
from mail.message import DEFAULT_MAIL_FROM
from mail.sender import SmtpConfig, SmtpEmailSender
from mail.worker import MAX_ATTEMPTS, backoff, deliver_due
from models.clock import now
from models.enums import ExamStatus, Role
from models.events import transaction
from models.notification import ExamEvent, MailStatus, OutboxMessage, raise_exam_event
from tests.factories import (
    create_awarding_body,
    create_exam,
    create_school,
    create_standard,
    create_user,
)
from tests.mail.outbox import deliver_all, queue_mail
from tests.mail.smtp import free_port, smtp_server

STANDARD = "Keevitaja, tase 4 – õäöüšž"
REASON = "Õppijate nimekiri on puudu; lisage ka rühm Šoti-Žürii."


async def _returned_exam_mail(recipient: str = "laura.testf@kool.example") -> OutboxMessage:
    school = await create_school(name="Tartu Kutsehariduskeskus")
    responsible = await create_user(
        Role.SCHOOL, school, first_name="Õie", last_name="Sööt", email=recipient
    )
    exam = await create_exam(
        school=school,
        responsible=responsible,
        standard=await create_standard(name=STANDARD),
        status=ExamStatus.RETURNED,
    )
    async with transaction() as connection:
        await raise_exam_event(ExamEvent.RETURNED, exam, connection=connection, reason=REASON)
    return await OutboxMessage.get(recipient=recipient)


async def test_a_message_is_delivered_exactly_once(empty_db, smtp):
    handler, sender = smtp
    row = await _returned_exam_mail()

    first = await deliver_due(sender)
    second = await deliver_due(sender)

    assert (first, second) == (1, 0)
    assert handler.message_ids() == [row.message_id]
    await row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (MailStatus.SENT, 1, None)
    assert row.sent_at is not None


async def test_the_estonian_subject_and_body_arrive_intact(empty_db, smtp):
    handler, sender = smtp
    row = await _returned_exam_mail()

    await deliver_due(sender)

    [message] = handler.messages()
    assert message["Subject"] == f"Eksam on tagastatud: {STANDARD} / Exam returned"
    assert message["Message-ID"] == row.message_id
    assert message["From"] == DEFAULT_MAIL_FROM
    assert message["To"] == "laura.testf@kool.example"
    assert message.get_content_charset() == "utf-8"
    body = message.get_content().replace("\r\n", "\n")  # SMTP's line ends
    assert body == row.body
    assert "Tere, Õie Sööt!" in body
    assert f"Tagastamise põhjus: {REASON}" in body
    assert f"Kutsestandard: {STANDARD}" in body
    assert "Tartu Kutsehariduskeskus" in body
    assert body.index("Tere, Õie Sööt!") < body.index("Hello Õie Sööt")  # Estonian first


async def test_no_personal_code_is_in_any_sent_message(empty_db, smtp):
    handler, sender = smtp
    school = await create_school()
    awarding_body = await create_awarding_body()
    await create_user(Role.AWARDING_BODY, awarding_body, email="hindaja@kutse.example")
    responsible = await create_user(Role.SCHOOL, school, email="vastutaja@kool.example")
    # A personal code that found its way into a name is still not sent.
    creator = await create_user(
        Role.SCHOOL, school, last_name=f"Sööt {responsible.personal_code}", email="a@kool.example"
    )
    exam = await create_exam(
        school=school, awarding_body=awarding_body, responsible=responsible, created_by=creator
    )
    async with transaction() as connection:
        for event in ExamEvent:
            await raise_exam_event(event, exam, connection=connection, reason="Puudub.")

    await deliver_all(sender)

    raw = b"".join(handler.received).decode("ascii")
    assert len(handler.received) == 7  # submitted: 1; returned, assessed, completed: 2 each
    assert not PERSONAL_CODE.search(raw)
    for message in handler.messages():
        text = f"{message['Subject']}\n{message.get_content()}"
        assert not re.search(r"\d{11}", text), text
        assert responsible.personal_code not in text


async def test_while_the_server_is_down_mails_wait_and_none_is_lost(empty_db):
    port = free_port()  # nothing listens here yet
    sender = SmtpEmailSender(SmtpConfig(host="127.0.0.1", port=port, timeout_seconds=5))
    rows = [await queue_mail(recipient=f"saaja{n}@kool.example") for n in range(3)]
    start = now()

    attempted = await deliver_all(sender, at=start)

    assert attempted == 3
    for row in rows:
        await row.refresh_from_db()
        assert (row.status, row.attempts) == (MailStatus.PENDING, 1)
        assert row.next_attempt_at == start + backoff(1)
        assert "unavailable" in (row.last_error or "")
    assert await deliver_due(sender, now=start) == 0  # nothing is due before the back-off

    with smtp_server(port) as (handler, _):
        await deliver_all(sender, at=start + timedelta(hours=2))
        await deliver_all(sender, at=start + timedelta(hours=4))

    assert sorted(handler.message_ids()) == sorted(row.message_id for row in rows)
    assert await OutboxMessage.filter(status=MailStatus.SENT, attempts=2).count() == 3


@pytest.mark.parametrize("stage", ["RCPT", "DATA"])
async def test_a_4xx_answer_is_tried_again_after_the_back_off(empty_db, smtp, stage):
    handler, sender = smtp
    row = await queue_mail()
    if stage == "RCPT":
        handler.refuse_rcpt[row.recipient] = "451 4.7.1 Greylisted, try again later"
    else:
        handler.data_answer = "452 4.3.1 Insufficient system storage"
    start = now()

    await deliver_due(sender, now=start)

    await row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.PENDING, 1)
    assert row.next_attempt_at == start + backoff(1)
    assert "45" in (row.last_error or "")
    assert await deliver_due(sender, now=start + backoff(1) - timedelta(seconds=1)) == 0

    handler.refuse_rcpt.clear()
    handler.data_answer = None
    await deliver_due(sender, now=start + backoff(1))

    await row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.SENT, 2)
    assert handler.message_ids() == [row.message_id]


async def test_a_5xx_answer_fails_that_mail_and_no_other(empty_db, smtp):
    handler, sender = smtp
    refused = await queue_mail(recipient="pole.olemas@kool.example")
    fine = await queue_mail(recipient="on.olemas@kool.example")
    handler.refuse_rcpt[refused.recipient] = "550 5.1.1 No such user"

    await deliver_all(sender)
    await deliver_all(sender, at=now() + timedelta(days=2))  # a failed mail is never retried

    await refused.refresh_from_db()
    await fine.refresh_from_db()
    assert (refused.status, refused.attempts) == (MailStatus.FAILED, 1)
    assert "550" in (refused.last_error or "")
    assert fine.status == MailStatus.SENT
    assert handler.message_ids() == [fine.message_id]


async def test_a_mail_deferred_too_often_fails(empty_db, smtp):
    handler, sender = smtp
    row = await queue_mail(attempts=MAX_ATTEMPTS - 1)
    handler.refuse_rcpt[row.recipient] = "421 4.3.2 System not accepting network messages"

    await deliver_due(sender)

    await row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.FAILED, MAX_ATTEMPTS)
    assert handler.received == []


async def test_an_error_stored_from_the_server_has_no_personal_code(empty_db, smtp):
    handler, sender = smtp
    code = "38001085718"
    row = await queue_mail(recipient=f"{code}@kool.example")
    handler.refuse_rcpt[row.recipient] = f"550 5.1.1 <{code}@kool.example> unknown"

    await deliver_due(sender)

    await row.refresh_from_db()
    assert row.status == MailStatus.FAILED
    assert "550" in (row.last_error or "")
    assert code not in (row.last_error or "")


@pytest.mark.postgres_only
async def test_two_workers_at_once_deliver_each_of_40_mails_exactly_once(empty_db, smtp):
    handler, sender = smtp
    handler.delay_seconds = 0.01  # keep a message in hand while the other worker claims
    rows = [await queue_mail(recipient=f"saaja{n}@kool.example") for n in range(40)]

    counts = await asyncio.gather(deliver_due(sender, batch=40), deliver_due(sender, batch=40))

    assert sum(counts) == 40
    assert min(counts) > 0, counts  # both took part
    assert sorted(handler.message_ids()) == sorted(row.message_id for row in rows)
    assert await OutboxMessage.filter(status=MailStatus.SENT, attempts=1).count() == 40
