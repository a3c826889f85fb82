"""Appeals (vaided): filing, review, decision and withdrawal.

An examinee contests the assessment result once the group's assessment protocol is signed,
or the commission's decision once the commission protocol is signed (announced). The school
may file for its student; the awarding body registers a paper application with the day it
was received. The deadline counts from the announcement (`appeal_deadlines`); one appeal per
participant and subject may be open at a time. The awarding body's qualification commission
decides: FILED → UNDER_REVIEW → UPHELD | REJECTED, or WITHDRAWN before a decision.

Every step writes the audit (so `Exam.history` shows it), the notifications and a
`Topic.APPEAL` event in the transaction that makes the change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from models.access import Viewer
from models.appeal import Appeal, AppealAttachment
from models.clock import now, today
from models.enums import (
    AppealChannel,
    AppealStatus,
    AppealSubject,
)
from models.events import Event, Topic, publish, transaction
from models.exam import Exam
from models.notification import AppealEvent, raise_appeal_event
from models.organisation import Organisation
from models.participant import Participant
from models.workflow.appeal_announcements import announced_on, period_of
from models.workflow.appeal_decision import draw_up_decision
from models.workflow.common import audit
from models.workflow.errors import DomainError, Problem, fail, problem
from models.workflow.policy import check_appeal
from models.workflow.signing import SigningSetup

PDF_MAGIC = b"%PDF-"
MAX_ATTACHMENTS = 5
DEFAULT_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes


@dataclass(frozen=True)
class AppealFiling:
    participant_id: int
    subject: AppealSubject
    reason: str
    attachments: Sequence[Attachment] = ()
    # A paper application registered by the awarding body: the day it was received.
    received_on: date | None = None


# INVALID_STATE messages of appeals (the catalogue's own speaks of an exam's state).
STATE_MESSAGES = {
    "NOT_ANNOUNCED": "{what} pole veel välja kuulutatud. / {what_en} has not been announced yet.",
    "APPEAL_DECIDED": "Vaie on juba lahendatud või tagasi võetud ({status}). / "
    "The appeal is already decided or withdrawn ({status}).",
    "DECISION_NOT_DRAWN_UP": "Vaie pole veel lahendatud ({status}). / "
    "The appeal has not been decided yet ({status}).",
    "DECISION_SIGNED": "Vaide otsus on juba allkirjastatud ({status}). / "
    "The appeal's decision is already signed ({status}).",
    "NOT_CORRECTABLE": "Parandada saab vaid rahuldatud vaide alusel, üks kord ({status}). / "
    "Only an upheld appeal leads to a correction, once ({status}).",
}


def _invalid_state(key: str, field: Sequence[str] | None = None, **values: object) -> DomainError:
    """INVALID_STATE with the appeal's own message (`key` in STATE_MESSAGES)."""
    message = STATE_MESSAGES[key].format(**values)
    return DomainError([Problem("INVALID_STATE", message, tuple(field) if field else None)])


def _check_attachments(attachments: Sequence[Attachment], max_bytes: int) -> list[Problem]:
    problems: list[Problem] = []
    if len(attachments) > MAX_ATTACHMENTS:
        detail = f"kuni {MAX_ATTACHMENTS} manust / at most {MAX_ATTACHMENTS} attachments"
        problems.append(problem("INVALID_INPUT", ["attachments"], detail=detail))
    for i, attachment in enumerate(attachments):
        at = ["attachments", str(i)]
        name = attachment.filename
        if not attachment.content.startswith(PDF_MAGIC):
            problems.append(problem("ATTACHMENT_NOT_PDF", at, name=name))
        elif len(attachment.content) > max_bytes:
            problems.append(
                problem(
                    "ATTACHMENT_TOO_LARGE",
                    at,
                    name=name,
                    size=len(attachment.content),
                    max=max_bytes,
                )
            )
    return problems


async def _record(
    connection: BaseDBAsyncClient,
    viewer: Viewer,
    appeal: Appeal,
    action: str,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    event: bool = True,
) -> None:
    """One step of an appeal: its audit record (so `Exam.history` shows it) and, unless
    `event` is off, its `Topic.APPEAL` event, both in the transaction of the change."""
    await audit(
        connection,
        viewer,
        action=action,
        exam_id=appeal.exam_id,
        entity="appeal",
        entity_id=appeal.id,
        before=before,
        after=after,
    )
    if not event:
        return
    await publish(
        connection,
        Event(
            topic=Topic.APPEAL,
            key=appeal.id,
            kind=action,
            at=now(),
            exam_id=appeal.exam_id,
            version=appeal.version,
            actor_id=viewer.person_id,
            actor_role=viewer.role.value if viewer.role is not None else None,
            data={"status": appeal.status.value, "subject": appeal.subject.value},
        ),
    )


async def file_appeal(
    viewer: Viewer,
    filing: AppealFiling,
    *,
    max_attachment_bytes: int = DEFAULT_ATTACHMENT_MAX_BYTES,
) -> Appeal:
    """The examinee (or the school for its student) files an appeal; the awarding body
    registers a paper one with the day it was received."""
    problems = []
    if not filing.reason.strip():
        problems.append(problem("REASON_REQUIRED", ["reason"]))
    problems += _check_attachments(filing.attachments, max_attachment_bytes)
    if problems:
        raise DomainError(problems)
    paper = filing.received_on is not None
    async with transaction() as connection:
        participant = (
            await Participant.filter(id=filing.participant_id)
            .select_for_update()
            .using_db(connection)
            .first()
        )
        if participant is None:
            raise fail("NOT_FOUND", ["participant"])
        exam = await Exam.get(id=participant.exam_id, using_db=connection)
        try:
            check_appeal(
                "appeal.register_paper" if paper else "appeal.file",
                viewer,
                exam=exam,
                participant_person_id=participant.person_id,
                awarding_body_id=exam.awarding_body_id,
            )
        except DomainError:
            # Someone else's participation is not there for the viewer at all.
            raise fail("NOT_FOUND", ["participant"]) from None
        announced = await announced_on(participant, filing.subject, connection)
        if announced is None:
            what = ("Tulemus", "The result")
            if filing.subject is AppealSubject.DECISION:
                what = ("Kutsekomisjoni otsus", "The commission's decision")
            raise _invalid_state("NOT_ANNOUNCED", ["subject"], what=what[0], what_en=what[1])
        received = filing.received_on or today()
        if received > today() or received < announced:
            detail = (
                "saabumise päev peab olema väljakuulutamise ja tänase vahel / "
                "the day received must lie between the announcement and today"
            )
            raise fail("INVALID_INPUT", ["receivedOn"], detail=detail)
        body = await Organisation.get(id=exam.awarding_body_id, using_db=connection)
        period = period_of(body)
        deadline = period.filing_deadline(announced)
        if received > deadline:
            raise fail("APPEAL_DEADLINE_PASSED", ["participant"], deadline=f"{deadline:%d.%m.%Y}")
        if (
            await Appeal.filter(
                participant_id=participant.id,
                subject=filing.subject,
                status__in=[AppealStatus.FILED, AppealStatus.UNDER_REVIEW],
            )
            .using_db(connection)
            .exists()
        ):
            raise fail("APPEAL_EXISTS", ["participant"])
        appeal = await Appeal.create(
            using_db=connection,
            exam_id=exam.id,
            participant_id=participant.id,
            awarding_body_id=exam.awarding_body_id,
            subject=filing.subject,
            channel=AppealChannel.PAPER if paper else AppealChannel.ONLINE,
            reason=filing.reason.strip(),
            filed_by_id=viewer.person_id,
            filed_by_role=viewer.role,
            filed_at=now(),
            received_on=received,
            announced_on=announced,
            filing_deadline=deadline,
            decision_due=period.decision_due(received),
        )
        for attachment in filing.attachments:
            await AppealAttachment.create(
                using_db=connection,
                appeal_id=appeal.id,
                filename=attachment.filename,
                size=len(attachment.content),
                sha256=hashlib.sha256(attachment.content).hexdigest(),
                content=attachment.content,
            )
        await _record(
            connection,
            viewer,
            appeal,
            "appeal.file",
            before=None,
            after={
                "participant": participant.id,
                "subject": appeal.subject,
                "channel": appeal.channel,
                "received_on": received,
                "filing_deadline": deadline,
                "decision_due": appeal.decision_due,
                "attachments": len(filing.attachments),
            },
        )
        await raise_appeal_event(AppealEvent.FILED, appeal, connection=connection)
    return appeal


async def _appeal_for_update(
    viewer: Viewer, appeal_id: int, action: str, connection: BaseDBAsyncClient
) -> tuple[Appeal, Exam]:
    appeal = await Appeal.filter(id=appeal_id).select_for_update().using_db(connection).first()
    if appeal is None:
        raise fail("NOT_FOUND", ["appeal"])
    exam = await Exam.get(id=appeal.exam_id, using_db=connection)
    participant = await Participant.get(id=appeal.participant_id, using_db=connection)
    visible = viewer.person_id is not None and (
        viewer.role is not None or participant.person_id == viewer.person_id
    )
    if not visible:
        raise fail("NOT_FOUND", ["appeal"])
    check_appeal(
        action,
        viewer,
        exam=exam,
        participant_person_id=participant.person_id,
        awarding_body_id=appeal.awarding_body_id,
    )
    if not AppealStatus(appeal.status).open:
        raise _invalid_state("APPEAL_DECIDED", ["appeal"], status=appeal.status.value)
    return appeal, exam


async def _change(
    connection: BaseDBAsyncClient,
    viewer: Viewer,
    appeal: Appeal,
    version: int | None,
    action: str,
    **changes: Any,
) -> Appeal:
    """Write `changes` if the appeal is still open (and at `version`, when given); exactly
    one of two concurrent decisions gets here first, the other finds it decided."""
    if version is not None and version != appeal.version:
        raise fail("STALE_VERSION", ["version"])
    before = {"status": appeal.status}
    updated = (
        await Appeal.filter(
            id=appeal.id,
            version=appeal.version,
            status__in=[AppealStatus.FILED, AppealStatus.UNDER_REVIEW],
        )
        .using_db(connection)
        .update(version=F("version") + 1, **changes)
    )
    if updated != 1:
        raise fail("STALE_VERSION", ["version"])
    fresh = await Appeal.get(id=appeal.id, using_db=connection)
    after = {key: value for key, value in changes.items() if key != "decision_reason"}
    await _record(connection, viewer, fresh, action, before=before, after=after)
    return fresh


async def start_review(viewer: Viewer, appeal_id: int, version: int | None = None) -> Appeal:
    """The awarding body registers the appeal for its qualification commission."""
    async with transaction() as connection:
        appeal, _ = await _appeal_for_update(viewer, appeal_id, "appeal.review", connection)
        if appeal.status is not AppealStatus.FILED:
            raise _invalid_state("APPEAL_DECIDED", ["appeal"], status=appeal.status.value)
        return await _change(
            connection,
            viewer,
            appeal,
            version,
            "appeal.review",
            status=AppealStatus.UNDER_REVIEW,
            review_started_at=now(),
        )


async def decide_appeal(
    viewer: Viewer,
    appeal_id: int,
    *,
    upheld: bool,
    reason: str,
    version: int | None = None,
    signing: SigningSetup | None = None,
) -> Appeal:
    """The commission's chair decides an appeal under review: upheld or rejected, with
    the reasons; the decision takes effect now (audit, event, notifications). Its PDF is drawn
    up in the same transaction and signed there with a server-held key (development), or
    later by the same chair on their own device (`models.workflow.decision_signing`)."""
    async with transaction() as connection:
        appeal, _ = await _appeal_for_update(viewer, appeal_id, "appeal.decide", connection)
        if not reason.strip():
            raise fail("REASON_REQUIRED", ["reason"])
        if appeal.status is not AppealStatus.UNDER_REVIEW:
            raise _invalid_state("APPEAL_DECIDED", ["appeal"], status=appeal.status.value)
        decided = await _change(
            connection,
            viewer,
            appeal,
            version,
            "appeal.decide",
            status=AppealStatus.UPHELD if upheld else AppealStatus.REJECTED,
            decided_at=now(),
            decided_by_id=viewer.person_id,
            decision_reason=reason.strip(),
        )
        document = await draw_up_decision(viewer, decided, signing, connection)
        await _record(
            connection,
            viewer,
            decided,
            "appeal.decision_signed" if document.signed_at else "appeal.decision_drawn_up",
            before=None,
            after={"sha256": document.sha256, "method": document.method},
            event=False,
        )
        await raise_appeal_event(AppealEvent.DECIDED, decided, connection=connection)
        return decided


async def withdraw_appeal(viewer: Viewer, appeal_id: int, version: int | None = None) -> Appeal:
    """The examinee (or the school for them) withdraws an appeal not yet decided."""
    async with transaction() as connection:
        appeal, _ = await _appeal_for_update(viewer, appeal_id, "appeal.withdraw", connection)
        withdrawn = await _change(
            connection,
            viewer,
            appeal,
            version,
            "appeal.withdraw",
            status=AppealStatus.WITHDRAWN,
            withdrawn_at=now(),
        )
        await raise_appeal_event(AppealEvent.WITHDRAWN, withdrawn, connection=connection)
        return withdrawn


def overdue(appeal_status: AppealStatus, decision_due: date, on: date | None = None) -> bool:
    """An open appeal past its decision day."""
    return AppealStatus(appeal_status).open and (on or today()) > decision_due
