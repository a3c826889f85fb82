"""Smart-ID and Mobile-ID sessions of any document (a protocol, an appeal decision): kept at
once (PREPARING), prepared in the background, then WAITING for the phone.

A start checks who signs and keeps the session in one short transaction, then prepares it in
a background task of this process (at most 4 at a time): SK's certificate choice, the
document (in the document workers, outside any transaction: no row lock or pooled
connection is held while the workers and SK work; a signature made on an older revision is
refused when it is embedded, DOCUMENT_CHANGED), the request to the phone. The start answers
within ``SigningSetup.phone_start_wait``, with the verification code when it is ready; later
it comes with the session's status. A preparation whose process stopped is ended
SIGNING_INTERRUPTED by another process once its lease ran out
(:mod:`models.workflow.signing_poller`). Every status change is published
(`Topic.SIGNING_SESSION`) from the transaction that makes it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient

from models.access import Viewer
from models.clock import now
from models.enums import SignatureMethod, SigningSessionStatus
from models.events import transaction
from models.person import Person
from models.protocol import SigningSession
from models.workflow.errors import DomainError, fail
from models.workflow.phone_requests import phone_signer, send_to_phone, usable_phone
from models.workflow.signing import (
    DocumentToSign,
    SigningSetup,
    SigningTarget,
    StartedSigning,
    locked_session,
    phone_rsa_scheme,
    prepare_document,
    publish_status,
    purge_sessions,
    session_exam_id,
)
from signing.pades import PreparedSignature

T = TypeVar("T")
# Who holds a session's lease while it is prepared (any process may end it once it ran out).
PREPARER = "preparing"
OPEN = (SigningSessionStatus.PREPARING, SigningSessionStatus.WAITING)
log = logging.getLogger("eksamihaldus.signing")

# Preparations under way in this process, kept referenced until they end.
_preparing: set[asyncio.Task[PreparedSignature | DomainError | None]] = set()
# Called when a session this process prepared starts waiting for the phone (the pollers).
waiting_hooks: list[Callable[[], None]] = []
# How long a process may prepare a session before another one counts it as stopped.
PREPARATION_LEASE = timedelta(seconds=60)
# Preparations at once in a process: a burst of starts queues its preparations here rather
# than crowding the event loop that answers the starts and everything else.
_preparation_slots = asyncio.Semaphore(4)


@dataclass(frozen=True)
class Signer:
    """Who may sign what, checked in the start's transaction."""

    exam_id: int
    person: Person
    target: SigningTarget


@dataclass(frozen=True)
class PhoneDocument:
    """What the phone signs, read again (rights included) when the session is prepared."""

    exam_id: int
    document: DocumentToSign
    display_text: str


# Each reads in the transaction it is given and raises the refusal (NOT_FOUND, FORBIDDEN, ...).
CheckSigner = Callable[[BaseDBAsyncClient], Awaitable[Signer]]
ReadDocument = Callable[[BaseDBAsyncClient], Awaitable[PhoneDocument]]


async def start_phone_session(
    viewer: Viewer,
    method: SignatureMethod,
    setup: SigningSetup,
    phone_number: str | None,
    check: CheckSigner,
    read: ReadDocument,
) -> StartedSigning:
    """Start a Smart-ID or Mobile-ID signature without holding the request for SK or the
    person (see the module docstring). A preparation that fails within the wait is answered
    with its code; the session ends FAILED with it either way, and nothing of the document
    changes."""
    phone = usable_phone(setup, method, phone_number)
    # Who signs is checked before anybody's phone is asked.
    async with transaction() as connection:
        signer = await check(connection)
        await purge_sessions(connection)
        moment = now()
        session = await SigningSession.create(
            using_db=connection,
            session_key=secrets.token_urlsafe(32),
            protocol_id=signer.target.protocol_id,
            appeal_document_id=signer.target.appeal_document_id,
            signer_id=signer.person.id,
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
        await publish_status(connection, session, signer.exam_id)
    task = asyncio.create_task(
        _in_slot(prepare(session.id, signer.person, phone, setup, read)),
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
    session_id: int,
    person: Person,
    phone: str | None,
    setup: SigningSetup,
    read: ReadDocument,
) -> PreparedSignature | DomainError | None:
    """Prepare a PREPARING session: SK's certificate choice, the document, the request to the
    phone; then it is WAITING with its verification code. Whatever goes wrong ends it FAILED
    with its code (nothing of the document changes). Returns what the phone signs, the error
    it ended with, or ``None`` when it was ended (cancelled) meanwhile."""
    session = await SigningSession.get(id=session_id)
    try:
        signer_on_phone = await phone_signer(setup, session.method, person.personal_code, phone)
        certificate = signer_on_phone.certificate
        # The signer's rights and the document in a short transaction; then no transaction
        # while the workers and SK work.
        async with transaction() as connection:
            to_sign = await read(connection)
        current = await SigningSession.get(id=session_id)
        if current.status is not SigningSessionStatus.PREPARING:
            return None  # cancelled meanwhile
        scheme = phone_rsa_scheme(session.method, certificate)
        prepared, base = await prepare_document(
            to_sign.document, person, certificate, setup, scheme
        )
        provider_session, code = await send_to_phone(
            setup, signer_on_phone, prepared, to_sign.display_text
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
            await publish_status(connection, locked, to_sign.exam_id)
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
        if session is None or session.status not in OPEN:
            return None
        session.status, session.error_code = status, code
        session.completed_at, session.lease_owner = now(), None
        await session.save(
            using_db=connection,
            update_fields=["status", "error_code", "completed_at", "lease_owner"],
        )
        await publish_status(connection, session, await session_exam_id(session, connection))
    return session
