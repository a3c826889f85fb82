"""What follows a fully signed protocol, in the transaction of its last signature."""

from __future__ import annotations

import hashlib

from tortoise.backends.base.client import BaseDBAsyncClient

from models.access import Viewer
from models.clock import now
from models.enums import ExamStatus, ProtocolKind, ProtocolStatus
from models.exam import Exam
from models.notification import ExamEvent, raise_exam_event
from models.organisation import Organisation
from models.participant import Participant
from models.person import Person
from models.protocol import Protocol, ProtocolExtract, Signature
from models.workflow.certificate import issue_certificates
from models.workflow.common import audit, bump
from models.workflow.protocol_documents import extract_data
from signing.documents import render_extract
from signing.fields import SignatureField
from signing.ltv import LongTermSetup, add_archive_timestamp
from signing.pades import sign_with_key
from signing.pki import Credentials
from signing.timestamps import TimeStamper
from signing.workers import DocumentWorkers


async def after_fully_signed(
    viewer: Viewer,
    exam: Exam,
    protocol: Protocol,
    eseal: Credentials,
    timestamper: TimeStamper,
    connection: BaseDBAsyncClient,
    long_term: LongTermSetup | None = None,
    workers: DocumentWorkers | None = None,
) -> None:
    if protocol.supersedes_id is not None:
        from models.workflow.appeal_correction import apply_correction

        await apply_correction(viewer, exam, protocol, connection)
        await seal_extract(exam, protocol, eseal, timestamper, connection, workers=workers)
        return
    if protocol.kind is ProtocolKind.ASSESSMENT:
        if await _every_group_signed(exam, connection):
            await _advance(viewer, exam, ExamStatus.ASSESSED, connection)
            await raise_exam_event(ExamEvent.ASSESSED, exam, connection=connection)
        return
    await _advance(viewer, exam, ExamStatus.COMPLETED, connection)
    certificates = await issue_certificates(exam, protocol, now(), connection)
    await seal_extract(exam, protocol, eseal, timestamper, connection, long_term, workers)
    await audit(
        connection,
        viewer,
        action="certificate.issue",
        exam_id=exam.id,
        entity="protocol",
        entity_id=protocol.id,
        before=None,
        after={"register_numbers": [c.register_number for c in certificates]},
    )
    await raise_exam_event(ExamEvent.COMPLETED, exam, connection=connection)


async def _every_group_signed(exam: Exam, connection: BaseDBAsyncClient) -> bool:
    """Every group that has participants has a signed assessment protocol."""
    groups = set(
        await Participant.filter(exam_id=exam.id, group_id__isnull=False)
        .using_db(connection)
        .distinct()
        .values_list("group_id", flat=True)
    )
    signed = set(
        await Protocol.filter(
            exam_id=exam.id, kind=ProtocolKind.ASSESSMENT, status=ProtocolStatus.SIGNED
        )
        .using_db(connection)
        .values_list("group_id", flat=True)
    )
    return bool(groups) and groups <= signed


async def _advance(
    viewer: Viewer, exam: Exam, to: ExamStatus, connection: BaseDBAsyncClient
) -> None:
    stamp = {ExamStatus.ASSESSED: "assessed_at", ExamStatus.COMPLETED: "completed_at"}[to]
    moment = now()
    await bump(Exam, exam.id, exam.version, connection, status=to, **{stamp: moment})
    before = exam.status
    exam.status, exam.version = to, exam.version + 1
    setattr(exam, stamp, moment)
    await audit(
        connection,
        viewer,
        action=f"exam.{to.value.lower()}",
        exam_id=exam.id,
        entity="exam",
        entity_id=exam.id,
        before={"status": before},
        after={"status": to},
    )


async def _sealed(
    pdf: bytes,
    field: SignatureField,
    eseal: Credentials,
    timestamper: TimeStamper,
    long_term: LongTermSetup | None,
) -> bytes:
    sealed = await sign_with_key(
        pdf,
        field,
        eseal,
        timestamper=timestamper,
        lock=True,
        reason="Väljavõte kutsekomisjoni protokollist / Extract of a commission protocol",
    )
    if long_term is not None:
        sealed = await add_archive_timestamp(sealed, long_term)
    return sealed


async def seal_extract(
    exam: Exam,
    protocol: Protocol,
    eseal: Credentials,
    timestamper: TimeStamper,
    connection: BaseDBAsyncClient,
    long_term: LongTermSetup | None = None,
    workers: DocumentWorkers | None = None,
) -> None:
    """The school's extract of the signed commission protocol, sealed with the e-seal;
    with `long_term`, made PAdES B-LTA as the protocol is. The sealing runs in `workers`."""
    school = await Organisation.get(id=exam.school_id, using_db=connection)
    signature = (
        await Signature.filter(protocol_id=protocol.id).using_db(connection).order_by("-id").first()
    )
    assert signature is not None
    signer = await Person.get(id=signature.signer_id, using_db=connection)
    assert protocol.document_sha256 is not None
    rendered = render_extract(
        await extract_data(
            protocol,
            school,
            protocol_sha256=protocol.document_sha256,
            signed_by=f"{signer.first_name} {signer.last_name}",
            signed_at=signature.signed_at,
            connection=connection,
        )
    )
    sealed = await (workers or DocumentWorkers()).run(
        _sealed, rendered.pdf, rendered.fields[0], eseal, timestamper, long_term
    )
    await ProtocolExtract.create(
        using_db=connection,
        protocol_id=protocol.id,
        school_id=school.id,
        content=sealed,
        sha256=hashlib.sha256(sealed).hexdigest(),
    )
