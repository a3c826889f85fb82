"""The appeal decision signed on the chair's own device (ID-card, Smart-ID, Mobile-ID).

Without a server-held key (production) `decide_appeal` draws up the decision's PDF unsigned;
the chair who decided then signs it here through the same session machinery as protocols
(:mod:`models.workflow.signing`, :mod:`models.workflow.phone_signing`, the background
:mod:`models.workflow.signing_poller`): a :class:`~models.protocol.SigningSession` whose target
is the appeal's document instead of a protocol. The certificate is checked exactly as for a
protocol (trusted, qualified, non-repudiation, the signer's own, OCSP good); the signature
locks the document, gets its validation data and an archive timestamp (B-LTA) and is verified
before it is kept. The decision took effect when it was recorded (its notifications went out
then); signing it adds the signed document, an audit record (`Exam.history`) and an appeal
event, in the transaction that stores the signature.
"""

from __future__ import annotations

import hashlib

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from models.access import Viewer
from models.appeal import Appeal, AppealDocument
from models.clock import now
from models.enums import SignatureMethod, SigningSessionStatus
from models.events import transaction
from models.exam import Exam
from models.participant import Participant
from models.person import Person
from models.protocol import SigningSession
from models.workflow.appeal import _invalid_state, _record
from models.workflow.appeal_decision import CHAIR_REASON, decision_data
from models.workflow.errors import fail
from models.workflow.phone_sessions import PhoneDocument, Signer, start_phone_session
from models.workflow.policy import check_appeal
from models.workflow.signing import (
    DocumentToSign,
    SigningSetup,
    SigningTarget,
    StartedSigning,
    certificate_identity,
    complete_waiting,
    open_session,
    prepare_document,
    publish_status,
    purge_sessions,
)
from signing.documents import FieldPlacement, render_appeal_decision
from signing.pades import PreparedSignature
from signing.verify import verify_document

FIELD_NAME = "allkiri-1"


async def _signable(
    viewer: Viewer, appeal_id: int, connection: BaseDBAsyncClient
) -> tuple[Appeal, AppealDocument]:
    """The appeal (locked) and its unsigned decision document, if the viewer is the chair
    who decided it: NOT_FOUND, FORBIDDEN (another person or role), INVALID_STATE (not
    decided, or already signed)."""
    appeal = await Appeal.filter(id=appeal_id).select_for_update().using_db(connection).first()
    if appeal is None:
        raise fail("NOT_FOUND", ["appeal"])
    exam = await Exam.get(id=appeal.exam_id, using_db=connection)
    participant = await Participant.get(id=appeal.participant_id, using_db=connection)
    check_appeal(
        "appeal.decide",
        viewer,
        exam=exam,
        participant_person_id=participant.person_id,
        awarding_body_id=appeal.awarding_body_id,
    )
    document = await AppealDocument.get_or_none(appeal_id=appeal.id, using_db=connection)
    if document is None:
        raise _invalid_state("DECISION_NOT_DRAWN_UP", ["appeal"], status=appeal.status.value)
    if appeal.decided_by_id != viewer.person_id:
        raise fail("FORBIDDEN", ["appeal"])
    if document.signed_at is not None:
        raise _invalid_state("DECISION_SIGNED", ["appeal"], status=appeal.status.value)
    return appeal, document


async def _placement(
    appeal: Appeal, document: AppealDocument, chair: Person, connection: BaseDBAsyncClient
) -> FieldPlacement:
    """The chair's signature box as the document was drawn up with it."""
    if document.field_page is not None and document.field_box is not None:
        x1, y1, x2, y2 = document.field_box
        return FieldPlacement(
            name=FIELD_NAME,
            page=document.field_page,
            box=(x1, y1, x2, y2),
            signer_name=f"{chair.first_name} {chair.last_name}",
            role_label=CHAIR_REASON,
        )
    # Drawn up before the box was kept: the same data lays the document out the same way.
    return render_appeal_decision(await decision_data(appeal, connection)).fields[0]


async def _prepare(
    appeal: Appeal,
    document: AppealDocument,
    chair: Person,
    certificate: bytes,
    setup: SigningSetup,
    connection: BaseDBAsyncClient,
    signature_scheme: str | None,
) -> tuple[PreparedSignature, str]:
    """Check the certificate as for a protocol and prepare the document's only (last)
    signature; returns it and the hash of the revision it was prepared on."""
    to_sign = await _to_sign(appeal, document, chair, connection)
    prepared = await prepare_document(to_sign, chair, certificate, setup, signature_scheme)
    await purge_sessions(connection)
    return prepared


async def _to_sign(
    appeal: Appeal, document: AppealDocument, chair: Person, connection: BaseDBAsyncClient
) -> DocumentToSign:
    """The decision's only signature, the chair's: it locks the document."""
    return DocumentToSign(
        content=document.content,
        placement=await _placement(appeal, document, chair, connection),
        lock=True,
        reason=CHAIR_REASON,
    )


async def start_decision_signing(
    viewer: Viewer,
    appeal_id: int,
    certificate: bytes,
    setup: SigningSetup,
    signature_scheme: str | None = None,
) -> StartedSigning:
    """ID-card, step one: check the chair's certificate and prepare the hash the card signs."""
    async with transaction() as connection:
        appeal, document = await _signable(viewer, appeal_id, connection)
        chair = await Person.get(id=viewer.person_id, using_db=connection)
        prepared, base = await _prepare(
            appeal, document, chair, certificate, setup, connection, signature_scheme
        )
        session = await open_session(
            viewer,
            appeal.exam_id,
            SigningTarget(appeal_document_id=document.id),
            chair,
            SignatureMethod.ID_CARD,
            prepared,
            base,
            certificate,
            setup,
            connection,
        )
    return StartedSigning.of(session, prepared)


def _display_text(appeal: Appeal) -> str:
    return f"Eksamihaldus: vaide otsus {appeal.id}"


async def start_decision_phone_signing(
    viewer: Viewer,
    appeal_id: int,
    method: SignatureMethod,
    setup: SigningSetup,
    phone_number: str | None = None,
) -> StartedSigning:
    """Smart-ID or Mobile-ID, as for a protocol: the session is prepared in the background
    (:func:`models.workflow.phone_sessions.start_phone_session`) and the poller follows the
    phone; the chair who decided signs."""

    async def check(connection: BaseDBAsyncClient) -> Signer:
        appeal, document = await _signable(viewer, appeal_id, connection)
        chair = await Person.get(id=viewer.person_id, using_db=connection)
        return Signer(appeal.exam_id, chair, SigningTarget(appeal_document_id=document.id))

    async def read(connection: BaseDBAsyncClient) -> PhoneDocument:
        appeal, document = await _signable(viewer, appeal_id, connection)
        chair = await Person.get(id=viewer.person_id, using_db=connection)
        to_sign = await _to_sign(appeal, document, chair, connection)
        return PhoneDocument(appeal.exam_id, to_sign, _display_text(appeal))

    return await start_phone_session(viewer, method, setup, phone_number, check, read)


async def embed_decision_signature(
    viewer: Viewer, session: SigningSession, signature: bytes, setup: SigningSetup
) -> Appeal:
    """Verify the device's signature of a waiting decision session and keep the signed
    (B-LTA) document; the session is then SIGNED. A wrong signature raises and changes
    nothing."""
    if session.appeal_document_id is None:
        raise fail("NOT_FOUND", ["sessionId"])
    target = await AppealDocument.get_or_none(id=session.appeal_document_id)
    if target is None:
        raise fail("NOT_FOUND", ["sessionId"])
    async with transaction() as connection:
        appeal, document = await _signable(viewer, target.appeal_id, connection)
        session, signed = await complete_waiting(
            session.id, document.content, signature, True, setup, connection
        )
        report = await setup.workers.run(verify_document, signed, trust_roots=setup.trust_roots)
        mine = next(s for s in report.signatures if s.field_name == FIELD_NAME)
        if not (mine.intact and mine.trusted):
            raise RuntimeError(f"the signed appeal decision does not verify: {mine}")
        subject, _ = certificate_identity(session.certificate)
        sha256 = hashlib.sha256(signed).hexdigest()
        await (
            AppealDocument.filter(id=document.id)
            .using_db(connection)
            .update(
                content=signed,
                sha256=sha256,
                signed_at=mine.signing_time or now(),
                signer_id=session.signer_id,
                method=session.method,
                certificate_subject=subject,
            )
        )
        session.status = SigningSessionStatus.SIGNED
        session.completed_at = now()
        session.lease_owner = None
        await session.save(
            using_db=connection, update_fields=["status", "completed_at", "lease_owner"]
        )
        # The appeal reads differently now (`decisionSigned`): a new version and its event.
        await Appeal.filter(id=appeal.id).using_db(connection).update(version=F("version") + 1)
        appeal = await Appeal.get(id=appeal.id, using_db=connection)
        await _record(
            connection,
            viewer,
            appeal,
            "appeal.decision_signed",
            before={"sha256": document.sha256},
            after={"sha256": sha256, "method": session.method},
        )
        await publish_status(connection, session, appeal.exam_id)
    return appeal


async def complete_decision_signing(
    viewer: Viewer, session_key: str, signature: bytes, setup: SigningSetup
) -> Appeal:
    """ID-card, step two: verify the card's signature and keep the signed decision."""
    session = await SigningSession.get_or_none(session_key=session_key)
    if (
        session is None
        or session.signer_id != viewer.person_id
        or session.appeal_document_id is None  # a protocol's: protocolSigningComplete
    ):
        raise fail("NOT_FOUND", ["sessionId"])
    if session.method is not SignatureMethod.ID_CARD:
        raise fail("SESSION_FINISHED", ["sessionId"])
    return await embed_decision_signature(viewer, session, signature, setup)
