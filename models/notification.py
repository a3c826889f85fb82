"""Notifications to people, in the app and (through the outbox) by e-mail.

`raise_exam_event` is the one call the exam workflow makes: inside the transaction that
changes the exam it writes each recipient's in-app notification and an outbox row for the
mail, so both commit or roll back with the change. The mail worker (`mail.worker`) delivers
outbox rows afterwards.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.migrations.constraints import CheckConstraint

from mail.templates import ExamFacts, appeal_url, exam_url, render_exam_event
from models.base import TimestampedModel
from models.clock import now as utc_now
from models.enums import Role, sql_in
from models.events import Event, Topic, publish, transaction
from models.exam import Exam
from models.participant import Participant
from models.person import Person

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


class ExamEvent(StrEnum):
    SUBMITTED = "exam.submitted"
    RETURNED = "exam.returned"
    ASSESSED = "exam.assessed"
    COMPLETED = "exam.completed"


class MailStatus(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"


class Notification(TimestampedModel):
    recipient_id: int
    exam_id: int | None

    recipient: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="notifications", on_delete=fields.CASCADE
    )
    exam: fields.ForeignKeyNullableRelation[Exam] = fields.ForeignKeyField(
        "models.Exam", related_name="notifications", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharField(max_length=32)
    subject = fields.CharField(max_length=255)
    body = fields.TextField()
    link = fields.CharField(max_length=512, null=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"


class OutboxMessage(TimestampedModel):
    """One e-mail to deliver, or delivered: the worker claims the due PENDING rows.

    `message_id` is fixed when the row is written, so a message that is sent again after a
    crash carries the same Message-ID and the receiving side can drop the copy.
    """

    notification_id: int | None

    notification: fields.ForeignKeyNullableRelation[Notification] = fields.ForeignKeyField(
        "models.Notification", related_name="mails", null=True, on_delete=fields.SET_NULL
    )
    recipient = fields.CharField(max_length=255)
    subject = fields.CharField(max_length=255)
    body = fields.TextField()
    message_id = fields.CharField(max_length=255, unique=True)
    status = fields.CharEnumField(MailStatus, max_length=8, default=MailStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    # What the mail server or the connection said last (personal codes redacted).
    last_error = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "outbox_message"
        constraints = (
            CheckConstraint(check=sql_in("status", MailStatus), name="outbox_message_status_chk"),
            CheckConstraint(check="attempts >= 0", name="outbox_message_attempts_chk"),
            CheckConstraint(
                check="status <> 'SENT' OR sent_at IS NOT NULL", name="outbox_message_sent_chk"
            ),
        )


# Where links in notifications point; the composition root sets it from EH_PUBLIC_URL.
_public_url = DEFAULT_PUBLIC_URL


def configure_links(public_url: str) -> None:
    """Set the base of links in notifications (and the domain of Message-IDs)."""
    global _public_url
    _public_url = public_url.rstrip("/")


def new_message_id() -> str:
    """A unique Message-ID. Base32, not hex: a hex UUID now and then holds eleven digits in a
    row, which looks like a personal code to the log filter and to anyone checking mail."""
    domain = urlsplit(_public_url).hostname or "eksamihaldus.invalid"
    token = base64.b32encode(uuid.uuid4().bytes).decode().rstrip("=").lower()
    return f"<{token}@{domain}>"


def _looks_like_address(address: str | None) -> bool:
    if not address:
        return False
    local, at, domain = address.strip().rpartition("@")
    return bool(at and local and domain) and not any(c.isspace() for c in address.strip())


async def raise_exam_event(
    event: ExamEvent,
    exam: Exam,
    *,
    connection: BaseDBAsyncClient,
    reason: str | None = None,
) -> list[Notification]:
    """Write the notifications (and outbox mails) for `event` on `exam`, in `connection`'s
    transaction.

    RETURNED, ASSESSED and COMPLETED go to the person who created the exam and the school's
    responsible person; SUBMITTED goes to everyone who acts for the exam's awarding body.
    Each recipient gets one in-app notification and, with an e-mail address, one mail.
    """
    facts = await _exam_facts(exam.id, connection)
    if event is ExamEvent.SUBMITTED:
        recipients = await _awarding_body_people(facts["awarding_body_id"], connection)
    else:
        recipients = await _people([facts["created_by_id"], facts["responsible_id"]], connection)
    link = exam_url(_public_url, exam.id)
    if event is ExamEvent.RETURNED:
        reason = reason or facts["return_reason"]
    return await _notify(event.value, exam.id, facts, recipients, link, reason, connection)


def _exam_facts_of(facts: dict[str, Any]) -> ExamFacts:
    return ExamFacts(
        standard=facts["standard"],
        curriculum=facts["curriculum"],
        curriculum_code=facts["curriculum_code"],
        school=facts["school"],
        awarding_body=facts["awarding_body"],
        graduation_date=facts["graduation_date"],
    )


async def _notify(
    kind: str,
    exam_id: int,
    facts: dict[str, Any],
    recipients: Sequence[dict[str, Any]],
    link: str,
    reason: str | None,
    connection: BaseDBAsyncClient,
) -> list[Notification]:
    """One in-app notification per recipient and, with an e-mail address, one mail."""
    exam_facts = _exam_facts_of(facts)
    moment = utc_now()
    created = []
    for person in recipients:
        rendered = render_exam_event(
            kind,
            exam=exam_facts,
            recipient_name=f"{person['first_name']} {person['last_name']}",
            link=link,
            reason=reason,
        )
        notification = await Notification.create(
            using_db=connection,
            recipient_id=person["id"],
            exam_id=exam_id,
            kind=kind,
            subject=rendered.subject,
            body=rendered.body,
            link=link,
        )
        created.append(notification)
        await publish(
            connection,
            Event(
                topic=Topic.NOTIFICATION,
                key=person["id"],
                kind=kind,
                at=moment,
                exam_id=exam_id,
                data={"notification": notification.id},
            ),
        )
        if _looks_like_address(person["email"]):
            await OutboxMessage.create(
                using_db=connection,
                notification_id=notification.id,
                recipient=person["email"].strip(),
                subject=rendered.subject,
                body=rendered.body,
                message_id=new_message_id(),
                next_attempt_at=moment,
            )
    return created


class AppealEvent(StrEnum):
    FILED = "appeal.filed"
    DECIDED = "appeal.decided"
    WITHDRAWN = "appeal.withdrawn"
    APPLIED = "appeal.applied"


_APPEAL_SUBJECTS = {
    "RESULT": "hindamistulemuse peale / against the assessment result",
    "DECISION": "kutsekomisjoni otsuse peale / against the commission's decision",
}
_APPEAL_OUTCOMES = {
    "UPHELD": "vaie rahuldati / the appeal was upheld",
    "REJECTED": "vaie jäeti rahuldamata / the appeal was rejected",
}


async def raise_appeal_event(
    event: AppealEvent, appeal: Any, *, connection: BaseDBAsyncClient
) -> list[Notification]:
    """Notify the examinee, the school (the exam's creator and responsible person) and the
    awarding body's people about an appeal, in `connection`'s transaction. The message
    names the subject and the outcome, never the reasons written in the appeal."""
    facts = await _exam_facts(appeal.exam_id, connection)
    examinee = await Participant.get(id=appeal.participant_id, using_db=connection)
    ids = [examinee.person_id, facts["created_by_id"], facts["responsible_id"]]
    recipients = {p["id"]: p for p in await _people(ids, connection)}
    for person in await _awarding_body_people(appeal.awarding_body_id, connection):
        recipients.setdefault(person["id"], person)
    text = _APPEAL_SUBJECTS[str(appeal.subject)]
    if event is AppealEvent.DECIDED:
        text = _APPEAL_OUTCOMES[str(appeal.status)]
    elif event is AppealEvent.APPLIED:
        text = "parandatud protokoll allkirjastati / the corrected protocol was signed"
    link = appeal_url(_public_url, appeal.id)
    ordered = [recipients[key] for key in sorted(recipients)]
    return await _notify(event.value, appeal.exam_id, facts, ordered, link, text, connection)


async def _exam_facts(exam_id: int, connection: BaseDBAsyncClient) -> dict[str, Any]:
    return (
        await Exam.filter(id=exam_id)
        .using_db(connection)
        .first()
        .values(
            "graduation_date",
            "created_by_id",
            "responsible_id",
            "awarding_body_id",
            "return_reason",
            standard="standard__name",
            curriculum="curriculum__name",
            curriculum_code="curriculum__ehis_code",
            school="school__name",
            awarding_body="awarding_body__name",
        )
    )


_PERSON_COLUMNS = ("id", "first_name", "last_name", "email")


async def _people(ids: Sequence[int], connection: BaseDBAsyncClient) -> list[dict[str, Any]]:
    return list(
        await Person.filter(id__in=set(ids))
        .using_db(connection)
        .order_by("id")
        .values(*_PERSON_COLUMNS)
    )


async def _awarding_body_people(
    awarding_body_id: int, connection: BaseDBAsyncClient
) -> list[dict[str, Any]]:
    return list(
        await Person.filter(
            role_assignments__role=Role.AWARDING_BODY,
            role_assignments__organisation_id=awarding_body_id,
        )
        .using_db(connection)
        .distinct()
        .order_by("id")
        .values(*_PERSON_COLUMNS)
    )


@dataclass(frozen=True)
class MarkReadResult:
    """`missing`: requested IDs that are not the recipient's (then nothing changed)."""

    missing: list[int]
    marked_ids: list[int]
    unread_count: int


async def mark_read(
    recipient_id: int,
    ids: Sequence[int] | None,
    *,
    limit: int,
    now: datetime | None = None,
) -> MarkReadResult:
    """Mark the recipient's notifications `ids` read (all unread ones when `ids` is None), in
    one transaction; if any ID is not theirs, change nothing. `marked_ids` are the requested
    IDs, or with all at most `limit` of the newly read ones; newest first."""
    moment = now or utc_now()
    missing: list[int] = []
    async with transaction() as connection:
        own = Notification.filter(recipient_id=recipient_id).using_db(connection)
        if ids is None:
            unread = own.filter(read_at__isnull=True)
            newest = await unread.order_by("-id").limit(limit).values("id")
            marked = [row["id"] for row in newest]
            await unread.update(read_at=moment)
        else:
            wanted = list(dict.fromkeys(ids))
            found = {row["id"] for row in await own.filter(id__in=wanted).values("id")}
            missing = [i for i in wanted if i not in found]
            marked = sorted(found, reverse=True)
            if not missing:
                await own.filter(id__in=marked, read_at__isnull=True).update(read_at=moment)
        unread_count = await own.filter(read_at__isnull=True).count()
    return MarkReadResult(
        missing=missing, marked_ids=[] if missing else marked, unread_count=unread_count
    )
