"""Signing protocols with Smart-ID and Mobile-ID: start, follow in the background, cancel,
read.

Start keeps the session (PREPARING) and prepares it in the background
(:mod:`models.workflow.phone_sessions`): SK's certificate choice, the document exactly as
for an ID-card, the hash to the phone; then it WAITS with its verification code. No request
waits for SK's answers or for the person. :mod:`models.workflow.signing_poller` follows the session
with long polls and ends it here (:func:`settle`): the signature is verified and embedded as
any device signature, or the session ends FAILED with the code of what went wrong. Every
status change is published (`Topic.SIGNING_SESSION`) from the transaction that makes it.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from integrations.sk.common import PhoneSession, SkError
from models.access import Viewer
from models.enums import Role, SignatureMethod, SigningSessionStatus
from models.person import Person
from models.protocol import Protocol, SigningSession
from models.workflow.decision_signing import embed_decision_signature
from models.workflow.errors import DomainError, fail
from models.workflow.phone_sessions import (
    PhoneDocument,
    Signer,
    end_session,
    start_phone_session,
)
from models.workflow.signing import (
    SigningSetup,
    SigningTarget,
    StartedSigning,
    _designated,
    document_to_sign,
    embed_signature,
)
from signing._issuing import pem_to_der

PHONE_METHODS = (SignatureMethod.SMART_ID, SignatureMethod.MOBILE_ID)


def _display_text(protocol: Protocol) -> str:
    return f"Eksamihaldus: protokoll {protocol.number or protocol.id}"


async def start_phone_signing(
    viewer: Viewer,
    protocol_id: int,
    method: SignatureMethod,
    setup: SigningSetup,
    phone_number: str | None = None,
) -> StartedSigning:
    """Start signing a protocol with Smart-ID or Mobile-ID (see
    :func:`models.workflow.phone_sessions.start_phone_session`)."""

    async def check(connection: BaseDBAsyncClient) -> Signer:
        exam, protocol, signer = await _designated(viewer, protocol_id, connection)
        person = await Person.get(id=signer.person_id, using_db=connection)
        return Signer(exam.id, person, SigningTarget(protocol_id=protocol.id))

    async def read(connection: BaseDBAsyncClient) -> PhoneDocument:
        exam, protocol, signer = await _designated(viewer, protocol_id, connection)
        person = await Person.get(id=signer.person_id, using_db=connection)
        document = await document_to_sign(protocol, signer, person, connection)
        return PhoneDocument(exam.id, document, _display_text(protocol))

    return await start_phone_session(viewer, method, setup, phone_number, check, read)


def signer_viewer(session: SigningSession) -> Viewer:
    """The signer as they were when they started (their role and its organisation)."""
    return Viewer(
        person_id=session.signer_id,
        role=Role(session.signer_role) if session.signer_role else None,
        organisation_id=session.signer_organisation_id,
    )


async def settle(
    session: SigningSession, answer: PhoneSession | SkError, setup: SigningSetup
) -> bool:
    """Act on one answer of SK about a session. Returns whether the session has ended.

    OK: the certificate SK names must be the one prepared with, then the signature is
    verified and embedded (SIGNED). Any failure ends it FAILED with its code; nothing of the
    signature is kept.
    """
    if isinstance(answer, SkError):
        await end_session(session.id, SigningSessionStatus.FAILED, answer.code)
        return True
    if answer.running:
        return False
    if answer.error_code is not None or answer.signature is None:
        await end_session(
            session.id, SigningSessionStatus.FAILED, answer.error_code or "SIGNING_SERVICE_ERROR"
        )
        return True
    try:
        if answer.certificate is not None and pem_to_der(answer.certificate) != pem_to_der(
            session.certificate
        ):
            raise fail("CERTIFICATE_NOT_SIGNERS", ["certificate"])
        if session.appeal_document_id is not None:
            await embed_decision_signature(signer_viewer(session), session, answer.signature, setup)
        else:
            await embed_signature(signer_viewer(session), session, answer.signature, setup)
    except DomainError as error:
        await end_session(session.id, SigningSessionStatus.FAILED, error.problems[0].code)
    return True


async def cancel_signing(viewer: Viewer, session_key: str) -> SigningSession:
    """The signer stops a waiting session; a finished one stays as it is (SESSION_FINISHED)."""
    session = await SigningSession.get_or_none(session_key=session_key)
    if session is None or session.signer_id != viewer.person_id:
        raise fail("NOT_FOUND", ["sessionId"])
    ended = await end_session(session.id, SigningSessionStatus.CANCELLED, None)
    if ended is None:
        raise fail("SESSION_FINISHED", ["sessionId"])
    return ended


async def session_of(viewer: Viewer, session_key: str) -> SigningSession | None:
    """The session, to its signer only."""
    if viewer.person_id is None:
        return None
    return await SigningSession.get_or_none(session_key=session_key, signer_id=viewer.person_id)
