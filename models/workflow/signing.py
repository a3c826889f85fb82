"""Signing protocols: with a server-held key, or in two steps with the signer's own device.

Signatures on one protocol are serialised by a row lock on the protocol; the document gains
one incremental revision per signature and is never rendered again. The last designated
signature locks the document. When a protocol is fully signed its effects follow in the same
transaction: every assessment protocol signed makes the exam ASSESSED; the commission
protocol makes it COMPLETED, issues the certificates and seals the school's extract.

A device session targets a protocol or an appeal decision's document (`SigningTarget`); the
decision's own steps are in :mod:`models.workflow.decision_signing`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cryptography import x509
from tortoise.backends.base.client import BaseDBAsyncClient

from models.access import Viewer
from models.appeal import Appeal
from models.clock import now
from models.enums import ProtocolKind, ProtocolStatus, SignatureMethod, SigningSessionStatus
from models.events import Event, Topic, publish, transaction
from models.exam import Exam
from models.person import Person
from models.protocol import Protocol, ProtocolDocument, ProtocolSigner, Signature, SigningSession
from models.workflow.common import announce_protocol, exam_for_update
from models.workflow.errors import DomainError, fail
from models.workflow.policy import check
from models.workflow.protocol_effects import after_fully_signed
from signing.certificates import (
    check_qualified,
    key_type,
    load_certificate,
    read_signing_certificate,
)
from signing.documents import FieldPlacement
from signing.errors import SigningError
from signing.ltv import LongTermSetup, add_archive_timestamp, add_validation_data
from signing.pades import PreparedSignature, complete_external, prepare_external, sign_with_key
from signing.pki import Credentials
from signing.revocation import RevocationSource, check_signer
from signing.timestamps import TimeStamper
from signing.verify import verify_document
from signing.workers import DocumentWorkers

if TYPE_CHECKING:
    from integrations.sk.mobile_id import MobileIdClient
    from integrations.sk.smart_id import SmartIdClient


@dataclass(frozen=True)
class SigningSetup:
    """What signing needs from outside, chosen in the composition root from settings.

    `person_keys` gives a server-held key for a person (development and tests only: in
    production people sign with their own devices and it is None). `eseal` is the system's
    own e-seal that seals extracts. `revocation` answers whether a certificate is revoked
    (OCSP); every signature is checked by it before it is made and embedded. `workers` is
    where the CPU-bound document work runs (worker processes in the API, see
    :mod:`signing.workers`).
    """

    timestamper: TimeStamper
    trust_roots: tuple[bytes, ...]
    eseal: Credentials
    revocation: RevocationSource
    person_keys: Callable[[Person], Credentials] | None = None
    session_lifetime: timedelta = timedelta(minutes=5)
    # Smart-ID and Mobile-ID clients (integrations.sk); None where not configured.
    smart_id: SmartIdClient | None = None
    mobile_id: MobileIdClient | None = None
    workers: DocumentWorkers = field(default_factory=DocumentWorkers)
    # Smart-ID and Mobile-ID: how long a start waits for the verification code before it
    # answers without it (the code then comes with the session's status).
    phone_start_wait: timedelta = timedelta(milliseconds=500)

    @property
    def long_term(self) -> LongTermSetup:
        return LongTermSetup(self.revocation, self.trust_roots, self.timestamper)


@dataclass(frozen=True)
class StartedSigning:
    session_key: str
    digest: bytes | None
    hash_function: str | None
    expires_at: datetime
    session_id: int = 0
    verification_code: str | None = None

    @classmethod
    def of(cls, session: SigningSession, prepared: PreparedSignature) -> StartedSigning:
        return cls(
            session_key=session.session_key,
            digest=prepared.digest,
            hash_function=prepared.hash_function,
            expires_at=session.expires_at,
            session_id=session.id,
            verification_code=session.verification_code,
        )


def signing_failed(error: SigningError, field: Sequence[str] | None = None) -> DomainError:
    return DomainError.of(error.code, error.message, field)


async def _check_not_revoked(certificate: bytes, setup: SigningSetup) -> None:
    """OCSP says the certificate is good, or nothing happens (CERTIFICATE_REVOKED,
    REVOCATION_UNAVAILABLE)."""
    try:
        await check_signer(certificate, issuers=setup.trust_roots, source=setup.revocation)
    except SigningError as error:
        raise signing_failed(error, ["certificate"]) from error


async def _long_term(signed: bytes, last: bool, setup: SigningSetup) -> bytes:
    """PAdES B-LT after every signature; B-LTA (an archive timestamp) after the last one."""
    try:
        if last:
            return await setup.workers.run(add_archive_timestamp, signed, setup.long_term)
        return await setup.workers.run(add_validation_data, signed, setup.long_term)
    except SigningError as error:
        raise signing_failed(error) from error


async def _designated(
    viewer: Viewer, protocol_id: int, connection: BaseDBAsyncClient
) -> tuple[Exam, Protocol, ProtocolSigner]:
    """The protocol locked for this signature, if the viewer is one of its signers and the
    exam is in the state for it."""
    found = await Protocol.get_or_none(id=protocol_id)
    if found is None:
        raise fail("NOT_FOUND", ["protocol"])
    exam = await exam_for_update(viewer, found.exam_id, connection)
    protocol = await Protocol.filter(id=protocol_id).using_db(connection).select_for_update().get()
    action = (
        "protocol.sign_correction"
        if protocol.supersedes_id is not None
        else "protocol.sign_commission"
        if protocol.kind is ProtocolKind.COMMISSION
        else "protocol.sign_assessment"
    )
    check(action, viewer, exam)
    signer = await ProtocolSigner.get_or_none(
        protocol_id=protocol.id, person_id=viewer.person_id, using_db=connection
    )
    if signer is None:
        raise fail("NOT_A_SIGNER", ["protocol"])
    if (
        await Signature.filter(protocol_id=protocol.id, signer_id=viewer.person_id)
        .using_db(connection)
        .exists()
    ):
        raise fail("ALREADY_SIGNED", ["protocol"])
    return exam, protocol, signer


async def _is_last(protocol: Protocol, connection: BaseDBAsyncClient) -> bool:
    designated = await ProtocolSigner.filter(protocol_id=protocol.id).using_db(connection).count()
    signed = await Signature.filter(protocol_id=protocol.id).using_db(connection).count()
    return signed + 1 == designated


def _placement(signer: ProtocolSigner, person: Person) -> FieldPlacement:
    x1, y1, x2, y2 = signer.field_box
    return FieldPlacement(
        name=signer.field_name,
        page=signer.field_page,
        box=(x1, y1, x2, y2),
        signer_name=f"{person.first_name} {person.last_name}",
        role_label=signer.role_label,
    )


def phone_rsa_scheme(method: SignatureMethod, certificate: bytes) -> str | None:
    """Smart-ID signs RSA digests with RSASSA-PSS; a Mobile-ID RSA SIM with PKCS#1 v1.5
    (MID REST API, signature algorithms); EC keys use ECDSA either way."""
    if key_type(load_certificate(certificate)) != "rsa":
        return None
    return "pss" if method is SignatureMethod.SMART_ID else "pkcs1v15"


def certificate_identity(certificate: bytes) -> tuple[str, str]:
    """The subject (RFC 4514) and serial number (hex) of a PEM or DER certificate."""
    cert = (
        x509.load_pem_x509_certificate(certificate)
        if certificate.startswith(b"-----")
        else x509.load_der_x509_certificate(certificate)
    )
    return cert.subject.rfc4514_string(), format(cert.serial_number, "x")


async def _record(
    viewer: Viewer,
    exam: Exam,
    protocol: Protocol,
    signer: ProtocolSigner,
    signed: bytes,
    certificate: bytes,
    method: SignatureMethod,
    setup: SigningSetup,
    connection: BaseDBAsyncClient,
) -> None:
    """Check the new revision as anyone would, then keep it, the signature and its effects."""
    report = await setup.workers.run(verify_document, signed, trust_roots=setup.trust_roots)
    mine = next(s for s in report.signatures if s.field_name == signer.field_name)
    if not (mine.intact and mine.trusted):
        raise RuntimeError(f"the new signature does not verify: {mine}")
    await (
        ProtocolDocument.filter(protocol_id=protocol.id)
        .using_db(connection)
        .update(content=signed, signed=True)
    )
    last = await _is_last(protocol, connection)
    subject, serial = certificate_identity(certificate)
    protocol.document_sha256 = hashlib.sha256(signed).hexdigest()
    protocol.status = ProtocolStatus.SIGNED if last else ProtocolStatus.SIGNING
    protocol.version += 1
    await protocol.save(using_db=connection, update_fields=["document_sha256", "status", "version"])
    await Signature.create(
        using_db=connection,
        protocol_id=protocol.id,
        signer_id=signer.person_id,
        signer_role=viewer.role.value if viewer.role else "",
        method=method,
        signed_at=mine.signing_time or now(),
        timestamp_at=mine.timestamp_time,
        certificate_subject=subject,
        certificate_serial=serial,
    )
    await announce_protocol(
        connection, viewer, action="signature.added", exam_id=exam.id, protocol_id=protocol.id
    )
    if last:
        await after_fully_signed(
            viewer,
            exam,
            protocol,
            setup.eseal,
            setup.timestamper,
            connection,
            setup.long_term,
            setup.workers,
        )


async def sign_with_server_key(viewer: Viewer, protocol_id: int, setup: SigningSetup) -> Protocol:
    """Sign with the key the server holds for the viewer (development and tests)."""
    if setup.person_keys is None:
        raise fail("SERVER_SIGNING_DISABLED")
    async with transaction() as connection:
        exam, protocol, signer = await _designated(viewer, protocol_id, connection)
        person = await Person.get(id=signer.person_id, using_db=connection)
        document = await ProtocolDocument.get(protocol_id=protocol.id, using_db=connection)
        credentials = setup.person_keys(person)
        await _check_not_revoked(credentials.certificate_pem, setup)
        last = await _is_last(protocol, connection)
        try:
            signed = await setup.workers.run(
                sign_with_key,
                document.content,
                _placement(signer, person),
                credentials,
                timestamper=setup.timestamper,
                lock=last,
                reason=signer.role_label,
            )
        except SigningError as error:
            raise signing_failed(error) from error
        signed = await _long_term(signed, last, setup)
        await _record(
            viewer,
            exam,
            protocol,
            signer,
            signed,
            credentials.certificate_pem,
            SignatureMethod.SERVER_KEY,
            setup,
            connection,
        )
    return protocol


async def locked_session(session_id: int, connection: BaseDBAsyncClient) -> SigningSession | None:
    """The session, locked for this transaction (whoever ends it first wins)."""
    return (
        await SigningSession.filter(id=session_id).using_db(connection).select_for_update().first()
    )


async def publish_status(
    connection: BaseDBAsyncClient, session: SigningSession, exam_id: int | None
) -> None:
    """Tell subscribers where the session is now (from the transaction that changed it)."""
    await publish(
        connection,
        Event(
            topic=Topic.SIGNING_SESSION,
            key=session.id,
            kind="session.status",
            at=now(),
            exam_id=exam_id,
            actor_id=session.signer_id,
            actor_role=session.signer_role or None,
            data={"status": session.status.value, "code": session.error_code},
        ),
    )


async def check_certificate(certificate: bytes, person: Person, setup: SigningSetup) -> None:
    """The certificate is trusted, valid, for non-repudiation, qualified, the signer's own
    and not revoked."""
    try:
        holder = read_signing_certificate(certificate, trust_roots=setup.trust_roots, at=now())
        check_qualified(load_certificate(certificate))
    except SigningError as error:
        raise signing_failed(error, ["certificate"]) from error
    if holder.personal_code != person.personal_code:
        raise fail("CERTIFICATE_NOT_SIGNERS", ["certificate"])
    await _check_not_revoked(certificate, setup)


@dataclass(frozen=True)
class DocumentToSign:
    """A protocol's current revision and where and how the next signature goes in it."""

    content: bytes
    placement: FieldPlacement
    lock: bool
    reason: str


async def document_to_sign(
    protocol: Protocol, signer: ProtocolSigner, person: Person, connection: BaseDBAsyncClient
) -> DocumentToSign:
    document = await ProtocolDocument.get(protocol_id=protocol.id, using_db=connection)
    return DocumentToSign(
        content=document.content,
        placement=_placement(signer, person),
        lock=await _is_last(protocol, connection),
        reason=signer.role_label,
    )


async def prepare_document(
    document: DocumentToSign,
    person: Person,
    certificate: bytes,
    setup: SigningSetup,
    signature_scheme: str | None,
) -> tuple[PreparedSignature, str]:
    """Check the certificate and prepare the document (no database work: it may run outside
    any transaction); returns it and the hash of the revision it was prepared on."""
    await check_certificate(certificate, person, setup)
    try:
        prepared = await setup.workers.run(
            prepare_external,
            document.content,
            document.placement,
            certificate,
            lock=document.lock,
            reason=document.reason,
            signature_scheme=signature_scheme,
        )
    except SigningError as error:
        raise signing_failed(error, ["certificate"]) from error
    return prepared, hashlib.sha256(document.content).hexdigest()


async def purge_sessions(connection: BaseDBAsyncClient) -> None:
    """Finished and expired sessions hold a copy of the document: keep the table small."""
    await (
        SigningSession.filter(expires_at__lt=now() - timedelta(hours=1))
        .using_db(connection)
        .delete()
    )


async def prepare_session(
    viewer: Viewer,
    protocol: Protocol,
    signer: ProtocolSigner,
    person: Person,
    certificate: bytes,
    setup: SigningSetup,
    connection: BaseDBAsyncClient,
    signature_scheme: str | None,
) -> tuple[PreparedSignature, str]:
    """Check the certificate and prepare the document; returns it and the hash of the
    revision it was prepared on."""
    document = await document_to_sign(protocol, signer, person, connection)
    prepared = await prepare_document(document, person, certificate, setup, signature_scheme)
    await purge_sessions(connection)
    return prepared


@dataclass(frozen=True)
class SigningTarget:
    """What a device session signs: a protocol or an appeal decision's document (exactly
    one of the two, as the table's CHECK constraint requires)."""

    protocol_id: int | None = None
    appeal_document_id: int | None = None


async def session_exam_id(session: SigningSession, connection: BaseDBAsyncClient) -> int:
    """The exam a session's document belongs to (for its events)."""
    if session.protocol_id is not None:
        protocol = await Protocol.get(id=session.protocol_id, using_db=connection)
        return protocol.exam_id
    appeal = await Appeal.get(document__id=session.appeal_document_id, using_db=connection)
    return appeal.exam_id


async def open_session(
    viewer: Viewer,
    exam_id: int,
    target: SigningTarget,
    person: Person,
    method: SignatureMethod,
    prepared: PreparedSignature,
    base_sha256: str,
    certificate: bytes,
    setup: SigningSetup,
    connection: BaseDBAsyncClient,
    **phone: str,
) -> SigningSession:
    """Keep a prepared signature waiting for the signer's device, and say so."""
    session = await SigningSession.create(
        using_db=connection,
        session_key=secrets.token_urlsafe(32),
        protocol_id=target.protocol_id,
        appeal_document_id=target.appeal_document_id,
        signer_id=person.id,
        signer_role=viewer.role.value if viewer.role else "",
        signer_organisation_id=viewer.organisation_id,
        method=method,
        state=prepared.state,
        certificate=certificate,
        base_sha256=base_sha256,
        expires_at=now() + setup.session_lifetime,
        status=SigningSessionStatus.WAITING,
        **phone,
    )
    await publish_status(connection, session, exam_id)
    return session


async def start_signing(
    viewer: Viewer,
    protocol_id: int,
    certificate: bytes,
    method: SignatureMethod,
    setup: SigningSetup,
    signature_scheme: str | None = None,
) -> StartedSigning:
    """Step one: check the signer's certificate and prepare the hash their device signs."""
    async with transaction() as connection:
        exam, protocol, signer = await _designated(viewer, protocol_id, connection)
        person = await Person.get(id=signer.person_id, using_db=connection)
        prepared, base = await prepare_session(
            viewer, protocol, signer, person, certificate, setup, connection, signature_scheme
        )
        session = await open_session(
            viewer,
            exam.id,
            SigningTarget(protocol_id=protocol.id),
            person,
            method,
            prepared,
            base,
            certificate,
            setup,
            connection,
        )
    return StartedSigning.of(session, prepared)


async def complete_waiting(
    session_id: int,
    document: bytes,
    signature: bytes,
    last: bool,
    setup: SigningSetup,
    connection: BaseDBAsyncClient,
) -> tuple[SigningSession, bytes]:
    """The session (locked) still waits, in time, on the revision it was prepared on, its
    certificate is not revoked: the device's signature completes the document, which gains
    its validation data (B-LT; B-LTA when `last`). Raises SESSION_FINISHED, SESSION_EXPIRED,
    DOCUMENT_CHANGED, CERTIFICATE_REVOKED, SIGNATURE_INVALID, …; nothing is stored here."""
    session = await locked_session(session_id, connection)
    if session is None or session.status is not SigningSessionStatus.WAITING:
        raise fail("SESSION_FINISHED", ["sessionId"])
    if session.expires_at <= now():
        raise fail("SESSION_EXPIRED", ["sessionId"])
    if hashlib.sha256(document).hexdigest() != session.base_sha256:
        raise fail("DOCUMENT_CHANGED", ["sessionId"])
    await _check_not_revoked(session.certificate, setup)
    try:
        signed = await setup.workers.run(
            complete_external, session.state, signature, timestamper=setup.timestamper
        )
    except SigningError as error:
        raise signing_failed(error, ["signature"]) from error
    return session, await _long_term(signed, last, setup)


async def embed_signature(
    viewer: Viewer, session: SigningSession, signature: bytes, setup: SigningSetup
) -> Protocol:
    """Verify the device's signature of a waiting session and embed it; the session is then
    SIGNED. A wrong signature raises and changes nothing; a document signed by someone else
    meanwhile asks for a new start."""
    if session.protocol_id is None:  # an appeal decision's session: not this path
        raise fail("NOT_FOUND", ["sessionId"])
    async with transaction() as connection:
        exam, protocol, signer = await _designated(viewer, session.protocol_id, connection)
        document = await ProtocolDocument.get(protocol_id=protocol.id, using_db=connection)
        session, signed = await complete_waiting(
            session.id,
            document.content,
            signature,
            await _is_last(protocol, connection),
            setup,
            connection,
        )
        session.status = SigningSessionStatus.SIGNED
        session.completed_at = now()
        session.lease_owner = None
        await session.save(
            using_db=connection, update_fields=["status", "completed_at", "lease_owner"]
        )
        await _record(
            viewer,
            exam,
            protocol,
            signer,
            signed,
            session.certificate,
            session.method,
            setup,
            connection,
        )
        await publish_status(connection, session, exam.id)
    return protocol


async def complete_signing(
    viewer: Viewer, session_key: str, signature: bytes, setup: SigningSetup
) -> Protocol:
    """Step two (ID-card): verify the device's signature and embed it. A wrong signature
    changes nothing; a document signed by someone else meanwhile asks for a new start."""
    session = await SigningSession.get_or_none(session_key=session_key)
    if (
        session is None
        or session.signer_id != viewer.person_id
        or session.protocol_id is None  # an appeal decision's: appealDecisionSigningComplete
    ):
        raise fail("NOT_FOUND", ["sessionId"])
    if session.method is not SignatureMethod.ID_CARD:
        raise fail("SESSION_FINISHED", ["sessionId"])
    return await embed_signature(viewer, session, signature, setup)
