"""Consequences of an upheld appeal: the corrected commission protocol and what follows it.

While an appeal is UPHELD and not yet applied, the awarding body re-records the result
(an appeal against the assessment result) or the decision (against the commission's
decision) of that participant. That draws up a corrected commission protocol with a number
of its own, referring to the protocol it corrects, for the same chair to sign through the
usual signing paths. When it is signed (`apply_correction`, in the signing transaction):
the original is marked superseded (it stays, and both stay verifiable), the participant's
certificate is annulled with date and reason and/or issued anew, the school's extract is
sealed again (by the caller), the appeal is marked applied, with audit, event and
notifications. Compensation is computed from the participants' results when a report is
asked for, so it follows the corrected result by itself.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from models.access import Viewer
from models.appeal import Appeal
from models.certificate import Certificate
from models.clock import now, today
from models.counters import next_protocol_number
from models.enums import (
    AppealStatus,
    AppealSubject,
    CertificateKind,
    ParticipantResult,
    ProtocolKind,
    ProtocolStatus,
)
from models.events import transaction
from models.exam import Exam
from models.notification import AppealEvent, raise_appeal_event
from models.organisation import Organisation
from models.participant import Participant
from models.protocol import Protocol
from models.workflow.appeal import _invalid_state, _record
from models.workflow.certificate import issue_certificates
from models.workflow.common import exam_for_update
from models.workflow.errors import fail
from models.workflow.policy import check_appeal
from models.workflow.protocol import (
    Decision,
    _check_decisions,
    current_commission_protocol,
    store_rendered,
)
from models.workflow.protocol_documents import COMMISSION_CHAIR_LABEL, commission_data
from signing.documents import render_commission_protocol

ANNULMENT_REASON = "Vaie {reference} rahuldati / Appeal {reference} upheld"


async def _bump(appeal_id: int, connection: BaseDBAsyncClient, **changes: object) -> Appeal:
    """Write `changes` to the (locked) appeal with the next version, and read it back."""
    await (
        Appeal.filter(id=appeal_id).using_db(connection).update(version=F("version") + 1, **changes)
    )
    return await Appeal.get(id=appeal_id, using_db=connection)


async def correct_after_appeal(
    viewer: Viewer,
    appeal_id: int,
    *,
    awarded: bool,
    result: ParticipantResult | None = None,
    partial_qualification_id: int | None = None,
    specialisation_id: int | None = None,
) -> Protocol:
    """The awarding body re-records the participant's result (RESULT appeal; `result` is
    required) or only the decision (DECISION appeal; `result` must be left out) and draws
    up the corrected commission protocol. Refused (INVALID_STATE) unless the appeal is
    UPHELD and no corrected protocol has been drawn up for it yet."""
    async with transaction() as connection:
        appeal = await Appeal.filter(id=appeal_id).select_for_update().using_db(connection).first()
        if appeal is None or viewer.role is None:
            raise fail("NOT_FOUND", ["appeal"])
        exam = await exam_for_update(viewer, appeal.exam_id, connection)
        participant = await Participant.get(id=appeal.participant_id, using_db=connection)
        check_appeal(
            "appeal.correct",
            viewer,
            exam=exam,
            participant_person_id=participant.person_id,
            awarding_body_id=appeal.awarding_body_id,
        )
        original = await current_commission_protocol(exam.id, connection)
        if (
            appeal.status is not AppealStatus.UPHELD
            or appeal.corrected_protocol_id is not None
            or original is None
        ):
            status = "CORRECTED" if appeal.corrected_protocol_id else appeal.status.value
            raise _invalid_state("NOT_CORRECTABLE", ["appeal"], status=status)
        if (
            await Protocol.filter(exam_id=exam.id, kind=ProtocolKind.COMMISSION)
            .exclude(status=ProtocolStatus.SIGNED)
            .using_db(connection)
            .exists()
        ):
            # Another appeal's correction waits for its signature: one at a time.
            raise _invalid_state("NOT_CORRECTABLE", ["appeal"], status="CORRECTION_PENDING")
        if appeal.subject is AppealSubject.RESULT:
            if result is None:
                detail = "uus tulemus on nõutud / the new result is required"
                raise fail("INVALID_INPUT", ["result"], detail=detail)
            before = {"result": participant.result, "awarded": participant.awarded}
            participant.result = result
            await Participant.filter(id=participant.id).using_db(connection).update(result=result)
        else:
            if result is not None:
                detail = "otsuse vaide korral tulemus jääb / a decision appeal keeps the result"
                raise fail("INVALID_INPUT", ["result"], detail=detail)
            before = {"awarded": participant.awarded}
        decision = Decision(participant.id, awarded, partial_qualification_id, specialisation_id)
        await _check_decisions(exam, [decision], connection)
        await (
            Participant.filter(id=participant.id)
            .using_db(connection)
            .update(
                awarded=awarded,
                partial_qualification_id=partial_qualification_id,
                specialisation_id=specialisation_id,
            )
        )
        day = today()
        body = await Organisation.get(id=exam.awarding_body_id, using_db=connection)
        n = await next_protocol_number(connection, exam.awarding_body_id, day.year)
        assert original.chair_id is not None
        protocol = await Protocol.create(
            using_db=connection,
            exam_id=exam.id,
            kind=ProtocolKind.COMMISSION,
            number=f"KP-{body.code}-{day.year}-{n}",
            date=day,
            chair_id=original.chair_id,
            supersedes_id=original.id,
        )
        data = await commission_data(protocol, connection)
        rendered = render_commission_protocol(
            type(data)(**{**data.__dict__, "corrects": original.number})
        )
        await store_rendered(
            connection, protocol, rendered, [(original.chair_id, COMMISSION_CHAIR_LABEL)]
        )
        appeal = await _bump(appeal.id, connection, corrected_protocol_id=protocol.id)
        await _record(
            connection,
            viewer,
            appeal,
            "appeal.correct",
            before=before,
            after={
                "result": participant.result,
                "awarded": awarded,
                "protocol": protocol.number,
                "corrects": original.number,
                "sha256": rendered.sha256,
            },
        )
    return protocol


async def apply_correction(
    viewer: Viewer, exam: Exam, protocol: Protocol, connection: BaseDBAsyncClient
) -> None:
    """What follows the signed corrected protocol, in the transaction of its signature."""
    moment = now()
    await (
        Protocol.filter(id=protocol.supersedes_id)
        .using_db(connection)
        .update(superseded_at=moment, version=F("version") + 1)
    )
    appeal = await Appeal.get(corrected_protocol_id=protocol.id, using_db=connection)
    participant = await Participant.get(id=appeal.participant_id, using_db=connection)
    body = await Organisation.get(id=appeal.awarding_body_id, using_db=connection)
    held = (
        await Certificate.filter(
            person_id=participant.person_id,
            protocol__exam_id=exam.id,
            annulled_at__isnull=True,
        )
        .using_db(connection)
        .first()
    )
    kind = (
        CertificateKind.PARTIAL_CERTIFICATE
        if participant.partial_qualification_id
        else CertificateKind.CERTIFICATE
    )
    unchanged = (
        held is not None
        and participant.awarded
        and held.kind == kind
        and held.partial_qualification_id == participant.partial_qualification_id
        and held.specialisation_id == participant.specialisation_id
    )
    annulled, issued = None, []
    if held is not None and not unchanged:
        reason = ANNULMENT_REASON.format(reference=f"V-{body.code}-{appeal.id}")
        await (
            Certificate.filter(id=held.id)
            .using_db(connection)
            .update(annulled_at=moment, annulment_reason=reason)
        )
        annulled = held.register_number
    if participant.awarded and not unchanged:
        issued = await issue_certificates(
            exam, protocol, moment, connection, participant_ids=[participant.id]
        )
    appeal = await _bump(appeal.id, connection, applied_at=moment)
    await _record(
        connection,
        viewer,
        appeal,
        "appeal.applied",
        before={"protocol": protocol.supersedes_id},
        after={
            "protocol": protocol.number,
            "annulled": annulled,
            "issued": [c.register_number for c in issued],
        },
    )
    await raise_appeal_event(AppealEvent.APPLIED, appeal, connection=connection)
