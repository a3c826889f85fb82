"""Demo appeals on the newest completed exam: one waiting for the commission, one decided
(rejected, with the chair's signed decision where the demo signs its documents)."""

from __future__ import annotations

import datetime as dt

from tortoise.backends.base.client import BaseDBAsyncClient

from models.access import Viewer
from models.appeal import Appeal
from models.enums import (
    AppealStatus,
    AppealSubject,
    ExamStatus,
    ParticipantResult,
    ProtocolKind,
    Role,
)
from models.exam import Exam
from models.organisation import Organisation
from models.participant import Participant
from models.person import Person
from models.protocol import Protocol
from models.workflow.appeal_announcements import period_of
from models.workflow.appeal_decision import draw_up_decision
from models.workflow.signing import SigningSetup

WAITING_REASON = (
    "Praktilise töö hindamisel ei arvestatud, et töövahend läks katki. "
    "/ The practical task was marked down for a tool that broke."
)
DECIDED_REASON = (
    "Kirjaliku osa punktid on valesti kokku liidetud. / The written part was mis-added."
)
DECISION = (
    "Punktid liideti uuesti kokku; summa on õige ja tulemus jääb samaks. "
    "/ The points were added again; the total is right and the result stands."
)


async def add_demo_appeals(
    connection: BaseDBAsyncClient, signing: SigningSetup | None, today: dt.date
) -> None:
    exam = (
        await Exam.filter(status=ExamStatus.COMPLETED)
        .using_db(connection)
        .order_by("-completed_at")
        .first()
    )
    if exam is None or exam.completed_at is None:
        return
    commission = await Protocol.get(
        exam_id=exam.id, kind=ProtocolKind.COMMISSION, using_db=connection
    )
    chair = (
        await Person.filter(
            role_assignments__role=Role.COMMISSION_CHAIR,
            role_assignments__organisation_id=exam.awarding_body_id,
        )
        .using_db(connection)
        .order_by("id")
        .first()
    )
    contestants = (
        await Participant.filter(
            exam_id=exam.id,
            result__in=[ParticipantResult.FAILED, ParticipantResult.PARTIALLY_PASSED],
        )
        .using_db(connection)
        .order_by("id")
        .limit(2)
    )
    if chair is None or len(contestants) < 2:
        return
    body = await Organisation.get(id=exam.awarding_body_id, using_db=connection)
    period = period_of(body)
    announced = commission.date
    received = min(announced + dt.timedelta(days=1), today)
    common = {
        "exam_id": exam.id,
        "awarding_body_id": body.id,
        "subject": AppealSubject.DECISION,
        "filed_by_role": None,
        "filed_at": exam.completed_at + dt.timedelta(days=1),
        "received_on": received,
        "announced_on": announced,
        "filing_deadline": period.filing_deadline(announced),
        "decision_due": period.decision_due(received),
    }
    waiting, decided = contestants
    await Appeal.create(
        using_db=connection,
        participant_id=waiting.id,
        filed_by_id=waiting.person_id,
        reason=WAITING_REASON,
        status=AppealStatus.UNDER_REVIEW,
        review_started_at=exam.completed_at + dt.timedelta(days=2),
        **common,
    )
    rejected = await Appeal.create(
        using_db=connection,
        participant_id=decided.id,
        filed_by_id=decided.person_id,
        reason=DECIDED_REASON,
        status=AppealStatus.REJECTED,
        review_started_at=exam.completed_at + dt.timedelta(days=2),
        decided_at=exam.completed_at + dt.timedelta(days=4),
        decided_by_id=chair.id,
        decision_reason=DECISION,
        **common,
    )
    chair_viewer = Viewer(chair.id, Role.COMMISSION_CHAIR, body.id)
    await draw_up_decision(chair_viewer, rejected, signing, connection)
