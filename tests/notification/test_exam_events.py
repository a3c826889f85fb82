"""`raise_exam_event`: who is told, what is written, and that it commits or rolls back with
the change that raised it."""

from __future__ import annotations

import pytest

from models.enums import Role
from models.events import transaction
from models.notification import (
    ExamEvent,
    MailStatus,
    Notification,
    OutboxMessage,
    raise_exam_event,
)
from models.person import RoleAssignment
from schema.node import to_global_id
from tests.factories import create_awarding_body, create_exam, create_school, create_user


async def _raise(event: ExamEvent, exam, reason: str | None = None) -> list[Notification]:  # type: ignore[no-untyped-def]
    async with transaction() as connection:
        return await raise_exam_event(event, exam, connection=connection, reason=reason)


@pytest.mark.parametrize("event", [ExamEvent.RETURNED, ExamEvent.ASSESSED, ExamEvent.COMPLETED])
async def test_the_creator_and_the_responsible_person_are_told(empty_db, event):
    school = await create_school()
    responsible = await create_user(Role.SCHOOL, school, email="vastutaja@kool.example")
    creator = await create_user(Role.SCHOOL, school)  # no e-mail address: in the app only
    exam = await create_exam(school=school, responsible=responsible, created_by=creator)

    notifications = await _raise(event, exam, reason="Rühm puudub.")

    assert sorted(n.recipient_id for n in notifications) == sorted([responsible.id, creator.id])
    link = f"http://127.0.0.1:8000/exams/{to_global_id('Exam', exam.id)}"
    for notification in await Notification.all():
        assert (notification.kind, notification.exam_id, notification.link) == (
            event.value,
            exam.id,
            link,
        )
        assert link in notification.body
    [mail] = await OutboxMessage.all()
    assert (mail.recipient, mail.status, mail.attempts) == (
        "vastutaja@kool.example",
        MailStatus.PENDING,
        0,
    )
    mine = await Notification.get(recipient_id=responsible.id)
    assert (mail.notification_id, mail.subject, mail.body) == (mine.id, mine.subject, mine.body)


async def test_one_person_in_both_roles_is_told_once(empty_db):
    responsible = await create_user(Role.SCHOOL, await create_school(), email="a@kool.example")
    exam = await create_exam(responsible=responsible)  # created by the same person

    await _raise(ExamEvent.COMPLETED, exam)

    assert await Notification.filter(recipient_id=responsible.id).count() == 1
    assert await OutboxMessage.all().count() == 1


async def test_a_submitted_exam_tells_everyone_acting_for_its_awarding_body(empty_db):
    body = await create_awarding_body()
    other_body = await create_awarding_body()
    first = await create_user(Role.AWARDING_BODY, body, email="esimene@kutse.example")
    second = await create_user(Role.AWARDING_BODY, body, email="teine@kutse.example")
    await RoleAssignment.create(person=second, role=Role.COMMISSION_CHAIR, organisation=body)
    await create_user(Role.AWARDING_BODY, other_body, email="muu@kutse.example")
    await create_user(Role.COMMISSION_CHAIR, body, email="esimees@kutse.example")
    exam = await create_exam(awarding_body=body)

    notifications = await _raise(ExamEvent.SUBMITTED, exam)

    assert sorted(n.recipient_id for n in notifications) == sorted([first.id, second.id])
    assert sorted(await OutboxMessage.all().values_list("recipient", flat=True)) == [
        "esimene@kutse.example",
        "teine@kutse.example",
    ]


async def test_the_return_reason_is_in_the_message(empty_db):
    exam = await create_exam(return_reason="Rühma kuupäev on puhkepäeval.")

    [given] = await _raise(ExamEvent.RETURNED, exam, reason="Õppijate nimekiri on puudu.")
    [stored] = await _raise(ExamEvent.RETURNED, exam)

    assert "Tagastamise põhjus: Õppijate nimekiri on puudu." in given.body
    assert "Tagastamise põhjus: Rühma kuupäev on puhkepäeval." in stored.body


async def test_when_the_change_rolls_back_no_notification_and_no_mail_remain(empty_db):
    responsible = await create_user(Role.SCHOOL, await create_school(), email="a@kool.example")
    exam = await create_exam(responsible=responsible)

    written: list[Notification] = []

    async def change_that_fails() -> None:
        async with transaction() as connection:
            written.extend(await raise_exam_event(ExamEvent.RETURNED, exam, connection=connection))
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError, match="the change failed"):
        await change_that_fails()

    assert len(written) == 1  # it was written, inside the transaction
    assert await Notification.all().count() == 0
    assert await OutboxMessage.all().count() == 0
