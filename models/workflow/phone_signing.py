"""Signing with Smart-ID and Mobile-ID: start, follow in the background, cancel, read.

Start asks SK for the signer's certificate, prepares the document exactly as for an ID-card,
sends the hash to the phone and returns the verification code at once: no request waits for
the person. :mod:`models.workflow.signing_poller` follows the session with long polls and
ends it here (:func:`settle`): the signature is verified and embedded as any device
signature, or the session ends FAILED with the code of what went wrong. Every status change
is published (`Topic.SIGNING_SESSION`) from the transaction that makes it.
"""

from __future__ import annotations

from integrations.sk.common import PhoneSession, SkError
from integrations.sk.mobile_id import valid_phone
from models.access import Viewer
from models.clock import now
from models.enums import Role, SignatureMethod, SigningSessionStatus
from models.events import transaction
from models.person import Person
from models.protocol import Protocol, SigningSession
from models.workflow.decision_signing import embed_decision_signature
from models.workflow.errors import DomainError, fail
from models.workflow.signing import (
    SigningSetup,
    StartedSigning,
    _designated,
    create_session,
    embed_signature,
    locked_session,
    prepare_session,
    publish_status,
    session_exam_id,
)
from signing._issuing import pem_to_der
from signing.certificates import key_type, load_certificate

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
    """Start a Smart-ID or Mobile-ID signature; SK's errors end it before anything is kept."""
    smart_id, mobile_id = setup.smart_id, setup.mobile_id
    if (method is SignatureMethod.SMART_ID and smart_id is None) or (
        method is SignatureMethod.MOBILE_ID and mobile_id is None
    ):
        raise fail("SIGNING_METHOD_UNAVAILABLE", ["method"])
    phone = None
    if method is SignatureMethod.MOBILE_ID:
        phone = valid_phone(phone_number or "")
        if phone is None:
            raise fail("INVALID_PHONE_NUMBER", ["phoneNumber"])
    # Who signs is checked before anybody's phone is asked.
    async with transaction() as connection:
        _, _, signer = await _designated(viewer, protocol_id, connection)
        person = await Person.get(id=signer.person_id, using_db=connection)
    try:
        if smart_id is not None and method is SignatureMethod.SMART_ID:
            account = await smart_id.signer(person.personal_code)
            certificate = account.certificate
        else:
            assert mobile_id is not None
            assert phone is not None
            certificate = await mobile_id.certificate(phone, person.personal_code)
    except SkError as error:
        raise fail(error.code, ["method"]) from error
    async with transaction() as connection:
        exam, protocol, signer = await _designated(viewer, protocol_id, connection)
        scheme = "pss" if key_type(load_certificate(certificate)) == "rsa" else None
        prepared, base = await prepare_session(
            viewer, protocol, signer, person, certificate, setup, connection, scheme
        )
        try:
            if smart_id is not None and method is SignatureMethod.SMART_ID:
                provider_session, code = await smart_id.start_signature(
                    account, prepared.digest, prepared.hash_function, _display_text(protocol)
                )
            else:
                assert mobile_id is not None
                assert phone is not None
                provider_session, code = await mobile_id.start_signature(
                    phone,
                    person.personal_code,
                    prepared.digest,
                    prepared.hash_function,
                    _display_text(protocol),
                )
        except SkError as error:
            raise fail(error.code, ["method"]) from error
        session = await create_session(
            viewer,
            exam,
            protocol,
            person,
            method,
            prepared,
            base,
            certificate,
            setup,
            connection,
            provider_session=provider_session,
            verification_code=code,
        )
    return StartedSigning.of(session, prepared)


async def end_session(
    session_id: int, status: SigningSessionStatus, code: str | None
) -> SigningSession | None:
    """End a waiting session (FAILED, CANCELLED, EXPIRED) with its code; ``None`` if it had
    already ended."""
    async with transaction() as connection:
        session = await locked_session(session_id, connection)
        if session is None or session.status is not SigningSessionStatus.WAITING:
            return None
        session.status, session.error_code = status, code
        session.completed_at, session.lease_owner = now(), None
        await session.save(
            using_db=connection,
            update_fields=["status", "error_code", "completed_at", "lease_owner"],
        )
        await publish_status(connection, session, await session_exam_id(session, connection))
    return session


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
