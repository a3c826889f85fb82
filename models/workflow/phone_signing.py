"""Signing with Smart-ID and Mobile-ID: start, follow in the background, cancel, read.

Start keeps the session (PREPARING) and prepares it in the background: it asks SK for the
signer's certificate, prepares the document exactly as for an ID-card (in the document
workers) and sends the hash to the phone; the session then WAITS with its verification code.
The start answers within a bounded wait, with the code when it is ready: no request waits for
SK's answers or for the person. :mod:`models.workflow.signing_poller` follows the session
with long polls and ends it here (:func:`settle`): the signature is verified and embedded as
any device signature, or the session ends FAILED with the code of what went wrong. Every
status change is published (`Topic.SIGNING_SESSION`) from the transaction that makes it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, TypeVar

from integrations.sk.common import PhoneSession, SkError
from models.access import Viewer
from models.clock import now
from models.enums import Role, SignatureMethod, SigningSessionStatus
from models.events import transaction
from models.person import Person
from models.protocol import Protocol, SigningSession
from models.workflow.decision_signing import embed_decision_signature
from models.workflow.errors import DomainError, fail
from models.workflow.phone_requests import phone_signer, send_to_phone, usable_phone
from models.workflow.signing import (
    SigningSetup,
    StartedSigning,
    _designated,
    document_to_sign,
    embed_signature,
    locked_session,
    phone_rsa_scheme,
    prepare_document,
    publish_status,
    purge_sessions,
    session_exam_id,
)
from signing._issuing import pem_to_der
from signing.pades import PreparedSignature

PHONE_METHODS = (SignatureMethod.SMART_ID, SignatureMethod.MOBILE_ID)
T = TypeVar("T")
# Who holds a session's lease while it is prepared (any process may end it once it ran out).
PREPARER = "preparing"
_OPEN = (SigningSessionStatus.PREPARING, SigningSessionStatus.WAITING)
log = logging.getLogger("eksamihaldus.signing")


def _display_text(protocol: Protocol) -> str:
    return f"Eksamihaldus: protokoll {protocol.number or protocol.id}"


# Preparations under way in this process, kept referenced until they end.
_preparing: set[asyncio.Task[PreparedSignature | DomainError | None]] = set()
# Called when a session this process prepared starts waiting for the phone (the pollers).
waiting_hooks: list[Callable[[], None]] = []
# How long a process may prepare a session before another one counts it as stopped.
PREPARATION_LEASE = timedelta(seconds=60)
# Preparations at once in a process: a burst of starts queues its preparations here rather
# than crowding the event loop that answers the starts and everything else.
_preparation_slots = asyncio.Semaphore(4)


async def start_phone_signing(
    viewer: Viewer,
    protocol_id: int,
    method: SignatureMethod,
    setup: SigningSetup,
    phone_number: str | None = None,
) -> StartedSigning:
    """Start a Smart-ID or Mobile-ID signature without holding the request for SK or the
    person.

    The session is kept at once (PREPARING) and prepared in the background (:func:`prepare`):
    SK's certificate choice, the document, the request to the phone. The answer waits at most
    ``setup.phone_start_wait`` for the verification code; later it comes with the session's
    status (`signingSession`, `signingSessionChanged`). A preparation that fails within the
    wait is answered with its code; the session ends FAILED with it either way, and nothing of
    the document changes.
    """
    phone = usable_phone(setup, method, phone_number)
    # Who signs is checked before anybody's phone is asked.
    async with transaction() as connection:
        exam, protocol, signer = await _designated(viewer, protocol_id, connection)
        person = await Person.get(id=signer.person_id, using_db=connection)
        await purge_sessions(connection)
        moment = now()
        session = await SigningSession.create(
            using_db=connection,
            session_key=secrets.token_urlsafe(32),
            protocol_id=protocol.id,
            signer_id=person.id,
            signer_role=viewer.role.value if viewer.role else "",
            signer_organisation_id=viewer.organisation_id,
            method=method,
            state=b"",
            certificate=b"",
            base_sha256="",
            expires_at=moment + setup.session_lifetime,
            status=SigningSessionStatus.PREPARING,
            lease_owner=PREPARER,
            lease_until=moment + PREPARATION_LEASE,
        )
        await publish_status(connection, session, exam.id)
    task = asyncio.create_task(
        _in_slot(prepare(viewer, session.id, person, phone, setup)),
        name=f"signing session {session.id}",
    )
    _preparing.add(task)
    task.add_done_callback(_preparing.discard)
    done, _ = await asyncio.wait({task}, timeout=setup.phone_start_wait.total_seconds())
    prepared = task.result() if done else None
    if isinstance(prepared, DomainError):
        raise prepared
    session = await SigningSession.get(id=session.id)
    return StartedSigning(
        session_key=session.session_key,
        digest=prepared.digest if prepared else None,
        hash_function=prepared.hash_function if prepared else None,
        expires_at=session.expires_at,
        session_id=session.id,
        verification_code=session.verification_code,
    )


async def _in_slot(preparation: Coroutine[Any, Any, T]) -> T:
    async with _preparation_slots:
        return await preparation


async def preparations() -> None:
    """Wait for the preparations under way in this process (tests and tools)."""
    if _preparing:
        await asyncio.wait(list(_preparing))


async def prepare(
    viewer: Viewer,
    session_id: int,
    person: Person,
    phone: str | None,
    setup: SigningSetup,
) -> PreparedSignature | DomainError | None:
    """Prepare a PREPARING session: SK's certificate choice, the document, the request to the
    phone; then it is WAITING with its verification code. Whatever goes wrong ends it FAILED
    with its code (nothing of the document changes). Returns what the phone signs, the error
    it ended with, or ``None`` when it was ended (cancelled) meanwhile."""
    session = await SigningSession.get(id=session_id)
    try:
        signer_on_phone = await phone_signer(setup, session.method, person.personal_code, phone)
        certificate = signer_on_phone.certificate
        # The signer's rights and the document are read in a short transaction; the document
        # is prepared and the phone asked outside any (no row lock or connection is held
        # while the workers and SK work): a signature made on an older revision is refused
        # when it is embedded (DOCUMENT_CHANGED).
        async with transaction() as connection:
            assert session.protocol_id is not None  # decisions: models.workflow.decision_signing
            exam, protocol, signer = await _designated(viewer, session.protocol_id, connection)
            document = await document_to_sign(protocol, signer, person, connection)
        current = await SigningSession.get(id=session_id)
        if current.status is not SigningSessionStatus.PREPARING:
            return None  # cancelled meanwhile
        scheme = phone_rsa_scheme(session.method, certificate)
        prepared, base = await prepare_document(document, person, certificate, setup, scheme)
        provider_session, code = await send_to_phone(
            setup, signer_on_phone, prepared, _display_text(protocol)
        )
        async with transaction() as connection:
            locked = await locked_session(session_id, connection)
            if locked is None or locked.status is not SigningSessionStatus.PREPARING:
                return None  # cancelled meanwhile: the phone's answer is never used
            locked.status = SigningSessionStatus.WAITING
            locked.state, locked.certificate, locked.base_sha256 = prepared.state, certificate, base
            locked.provider_session, locked.verification_code = provider_session, code
            locked.lease_owner, locked.lease_until = None, None
            await locked.save(
                using_db=connection,
                update_fields=[
                    "status",
                    "state",
                    "certificate",
                    "base_sha256",
                    "provider_session",
                    "verification_code",
                    "lease_owner",
                    "lease_until",
                ],
            )
            await publish_status(connection, locked, exam.id)
    except DomainError as error:
        await end_session(session_id, SigningSessionStatus.FAILED, error.problems[0].code)
        return error
    except Exception:
        log.exception("preparing signing session %s failed", session_id)
        await end_session(session_id, SigningSessionStatus.FAILED, "SIGNING_SERVICE_ERROR")
        return fail("SIGNING_SERVICE_ERROR", ["method"])
    for hook in waiting_hooks:
        hook()
    return prepared


async def end_session(
    session_id: int, status: SigningSessionStatus, code: str | None
) -> SigningSession | None:
    """End a waiting session (FAILED, CANCELLED, EXPIRED) with its code; ``None`` if it had
    already ended."""
    async with transaction() as connection:
        session = await locked_session(session_id, connection)
        if session is None or session.status not in _OPEN:
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
