"""Protocol mutations, and the verification of uploaded documents."""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar, cast

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from app.metrics import observe_signing
from models.enums import ProtocolKind, SignatureMethod
from models.protocol import SigningSession
from models.workflow import phone_signing
from models.workflow import protocol as drawing
from models.workflow import signing as workflow
from models.workflow.errors import DomainError, fail
from models.workflow.signing_poller import wake_pollers
from resolvers.ids import pk_of
from resolvers.mutations import attempt, fresh_loaders, user_errors
from schema.info import Info
from schema.limits import at_most, column
from schema.protocol import DocumentVerification
from schema.protocol_signing import (
    DocumentVerifyPayload,
    ProtocolCreateInput,
    ProtocolPayload,
    ProtocolSigningStartPayload,
    RsaSignatureScheme,
    SigningDevice,
    SigningSessionPayload,
)
from schema.protocol_signing import SigningSession as SigningSessionType
from schema.sign_in import PUBLIC
from signing.errors import DocumentUnreadable
from signing.verify import verify_document

T = TypeVar("T")

SessionId = Annotated[
    str,
    strawberry.argument(
        description="The session, from protocolSigningStart or appealDecisionSigningStart.",
        metadata=column(SigningSession, "session_key"),
    ),
]
PHONE_CHARACTERS = 32
# A certificate with a long chain of extensions is a few kilobytes in base64; a signature of
# the largest keys (RSA 4096, ECDSA P-521 in DER) well under a kilobyte.
CERTIFICATE_CHARACTERS = 16 * 1024
SIGNATURE_CHARACTERS = 2 * 1024
ProtocolId = Annotated[strawberry.ID, strawberry.argument(description="The protocol.")]


async def _timed(kind: str, operation: Awaitable[T]) -> T:
    """Run a signing step and record its duration (`eh_signing_duration_seconds`)."""
    start = time.perf_counter()
    try:
        return await operation
    finally:
        observe_signing(kind, time.perf_counter() - start)


def _setup(info: Info) -> workflow.SigningSetup:
    setup = info.context.signing
    if setup is None:
        raise fail("SERVER_SIGNING_DISABLED")
    return setup


def _decode(value: str, field: str) -> bytes:
    """Base64 (standard or URL-safe), or a PEM certificate as it is."""
    text = value.strip()
    if text.startswith("-----BEGIN"):
        return text.encode()
    standard = text.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError) as error:
        raise fail("INVALID_INPUT", [field], detail="pole base64 / not base64") from error


async def _payload(info: Info, protocol: Any, errors: list) -> ProtocolPayload:
    loaded = await fresh_loaders(info).protocol.by_id.load(protocol.id) if protocol else None
    return ProtocolPayload(protocol=loaded, user_errors=errors)


async def _create(info: Info, exam: str, input: ProtocolCreateInput) -> Any:
    viewer = info.context.viewer
    exam_pk = pk_of(exam, "Exam", argument="exam")
    if input.kind == ProtocolKind.ASSESSMENT:
        if input.group is None:
            raise fail("INVALID_INPUT", ["input", "group"], detail="grupp puudub / no group")
        return await drawing.create_assessment_protocol(
            viewer, pk_of(input.group, "ExamGroup", argument="group")
        )
    if input.chair is None:
        raise fail("INVALID_INPUT", ["input", "chair"], detail="esimees puudub / no chair")
    decisions = [
        drawing.Decision(
            participant_id=pk_of(d.participant, "Participant", argument="participant"),
            awarded=d.awarded,
            partial_qualification_id=pk_of(
                d.partial_qualification, "PartialQualification", argument="partialQualification"
            ),
            specialisation_id=pk_of(d.specialisation, "Specialisation", argument="specialisation"),
        )
        for d in input.decisions or []
    ]
    return await drawing.create_commission_protocol(
        viewer, exam_pk, pk_of(input.chair, "Person", argument="chair"), decisions
    )


async def start_payload(
    started: workflow.StartedSigning | None, errors: list[Any]
) -> ProtocolSigningStartPayload:
    """The answer to a signing start (a protocol's or an appeal decision's)."""
    if started is None:
        return ProtocolSigningStartPayload(
            session_id=None, hash=None, hash_function=None, expires_at=None, user_errors=errors
        )
    if started.verification_code is not None:
        wake_pollers()
    row = await SigningSession.get(id=started.session_id)
    return ProtocolSigningStartPayload(
        session_id=started.session_key,
        hash=base64.b64encode(started.digest).decode() if started.digest else None,
        hash_function=started.hash_function,
        expires_at=started.expires_at,
        user_errors=[],
        verification_code=started.verification_code,
        session=SigningSessionType.of(row),
    )


@strawberry.type
class SigningSessionQuery:
    @strawberry.field(
        description="A signing session of yours: its status, verification code and, when it "
        "failed, why. Someone else's session is null."
    )
    async def signing_session(self, info: Info, id: SessionId) -> SigningSessionType | None:
        row = await phone_signing.session_of(info.context.viewer, id)
        return SigningSessionType.of(row) if row else None


@strawberry.type
class ProtocolMutation:
    @strawberry.mutation(
        description="The awarding body draws up a protocol: a held group's assessment "
        "protocol once every result is in, or an assessed exam's commission protocol. An "
        "unsigned protocol is drawn up again; a signed one never changes."
    )
    async def protocol_create(
        self,
        info: Info,
        exam: Annotated[strawberry.ID, strawberry.argument(description="The exam.")],
        input: Annotated[ProtocolCreateInput, strawberry.argument(description="What to draw.")],
    ) -> ProtocolPayload:
        protocol, errors = await attempt(_create(info, exam, input))
        return await _payload(info, protocol, errors)

    @strawberry.mutation(
        description="Sign with the key the server holds for you (development and tests; "
        "off in production, where people sign with their own devices)."
    )
    async def protocol_sign(self, info: Info, protocol: ProtocolId) -> ProtocolPayload:
        async def sign() -> Any:
            return await workflow.sign_with_server_key(
                info.context.viewer, pk_of(protocol, "Protocol", argument="protocol"), _setup(info)
            )

        signed, errors = await attempt(_timed("server_key", sign()))
        return await _payload(info, signed, errors)

    @strawberry.mutation(
        description="Step one of signing with an ID-card, Smart-ID or Mobile-ID. ID-card: the "
        "certificate is checked and the hash the card must sign is returned; finish with "
        "protocolSigningComplete. Smart-ID and Mobile-ID: the session is kept at once and "
        "prepared in the background (the signer's certificate from SK, the document, the "
        "request to the phone); the answer carries the verification code when it is ready "
        "within a short wait, otherwise the session is PREPARING and the code follows with "
        "WAITING (`signingSession`, `signingSessionChanged`). The server follows the phone "
        "and the session ends SIGNED or FAILED with a code."
    )
    async def protocol_signing_start(
        self,
        info: Info,
        protocol: ProtocolId,
        certificate: Annotated[
            str | None,
            strawberry.argument(
                description="ID-card: the signing certificate, base64 DER or PEM.",
                metadata=at_most(CERTIFICATE_CHARACTERS),
            ),
        ] = None,
        device: Annotated[
            SigningDevice,
            strawberry.argument(
                description="The device that signs.",
                deprecation_reason="Use `method`.",
            ),
        ] = SigningDevice.ID_CARD,
        rsa_scheme: Annotated[
            RsaSignatureScheme | None,
            strawberry.argument(description="ID-card with an RSA key: PKCS#1 v1.5 or PSS."),
        ] = None,
        method: Annotated[
            SigningDevice | None,
            strawberry.argument(description="ID_CARD, SMART_ID or MOBILE_ID (default: device)."),
        ] = None,
        phone_number: Annotated[
            str | None,
            strawberry.argument(
                description="Mobile-ID: the signer's phone number, +372…",
                metadata=at_most(PHONE_CHARACTERS),
            ),
        ] = None,
    ) -> ProtocolSigningStartPayload:
        chosen = SignatureMethod((method or device).value)
        protocol_pk = pk_of(protocol, "Protocol", argument="protocol")

        async def start() -> workflow.StartedSigning:
            if chosen in phone_signing.PHONE_METHODS:
                return await phone_signing.start_phone_signing(
                    info.context.viewer, protocol_pk, chosen, _setup(info), phone_number
                )
            if certificate is None:
                raise fail(
                    "INVALID_INPUT", ["certificate"], detail="sertifikaat puudub / no certificate"
                )
            return await workflow.start_signing(
                info.context.viewer,
                protocol_pk,
                _decode(certificate, "certificate"),
                chosen,
                _setup(info),
                signature_scheme=rsa_scheme.value if rsa_scheme else None,
            )

        return await start_payload(*await attempt(_timed("device_start", start())))

    @strawberry.mutation(
        description="The signer cancels a waiting signing session (of a protocol or of an "
        "appeal decision); nothing is signed, even if the phone confirms later. A session "
        "that has ended stays as it is (SESSION_FINISHED)."
    )
    async def protocol_signing_cancel(
        self, info: Info, session_id: SessionId
    ) -> SigningSessionPayload:
        cancelled, errors = await attempt(
            phone_signing.cancel_signing(info.context.viewer, session_id)
        )
        return SigningSessionPayload(
            session=SigningSessionType.of(cancelled) if cancelled else None, user_errors=errors
        )

    @strawberry.mutation(
        description="Step two: the device's signature of the hash is verified and embedded. "
        "A wrong signature changes nothing (SIGNATURE_INVALID)."
    )
    async def protocol_signing_complete(
        self,
        info: Info,
        session_id: Annotated[
            str,
            strawberry.argument(
                description="From the first step.", metadata=column(SigningSession, "session_key")
            ),
        ],
        signature: Annotated[
            str,
            strawberry.argument(
                description="The signature, base64 (ECDSA raw r||s or DER).",
                metadata=at_most(SIGNATURE_CHARACTERS),
            ),
        ],
    ) -> ProtocolPayload:
        async def complete() -> Any:
            return await workflow.complete_signing(
                info.context.viewer, session_id, _decode(signature, "signature"), _setup(info)
            )

        signed, errors = await attempt(_timed("device_complete", complete()))
        return await _payload(info, signed, errors)

    @strawberry.mutation(
        description="Check any PDF's signatures (anyone, no sign-in): signer, time, "
        "timestamp, intact, trusted, changed after signing.",
        metadata=PUBLIC,
    )
    async def document_verify(
        self,
        info: Info,
        file: Annotated[Upload, strawberry.argument(description="The PDF (multipart upload).")],
    ) -> DocumentVerifyPayload:
        settings, setup = info.context.settings, info.context.signing
        limit = settings.verify_max_bytes
        upload = cast(UploadFile, file)
        try:
            content = await upload.read(limit + 1)
        finally:
            await upload.close()
        try:
            if setup is None:
                raise fail("SERVER_SIGNING_DISABLED")
            report = await _timed(
                "verify",
                verify_document(content, trust_roots=setup.trust_roots, max_bytes=limit),
            )
        except DocumentUnreadable as error:
            return DocumentVerifyPayload(
                verification=DocumentVerification(
                    valid=False, problem=error.reason, message=error.message, signatures=[]
                ),
                user_errors=user_errors(
                    [DomainError.of("DOCUMENT_UNREADABLE", error.message, ["file"]).problems[0]]
                ),
            )
        except DomainError as error:
            return DocumentVerifyPayload(verification=None, user_errors=user_errors(error.problems))
        return DocumentVerifyPayload(verification=DocumentVerification.of(report), user_errors=[])
