"""Inputs and payloads of the protocol mutations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import strawberry

from models.protocol import SigningSession as SigningSessionRow
from models.workflow.errors import MESSAGES
from schema.describe import described_enum
from schema.enums import ProtocolKind, SignatureMethod, SigningSessionStatus
from schema.errors import ErrorCode, UserError
from schema.protocol import DocumentVerification, Protocol


class RsaSignatureScheme(StrEnum):
    PKCS1_V15 = "pkcs1v15"
    PSS = "pss"


described_enum(
    RsaSignatureScheme,
    description="How an RSA key signs; ECDSA keys need no choice.",
    values={
        RsaSignatureScheme.PKCS1_V15: "RSASSA-PKCS1-v1_5.",
        RsaSignatureScheme.PSS: "RSASSA-PSS with SHA-256 or SHA-384 and MGF1 (Smart-ID).",
    },
)


class SigningDevice(StrEnum):
    ID_CARD = "ID_CARD"
    MOBILE_ID = "MOBILE_ID"
    SMART_ID = "SMART_ID"


described_enum(
    SigningDevice,
    description="The signer's own device.",
    values={
        SigningDevice.ID_CARD: "An Estonian ID-card in the browser through Web eID.",
        SigningDevice.MOBILE_ID: "Mobile-ID on the signer's phone.",
        SigningDevice.SMART_ID: "Smart-ID on the signer's phone.",
    },
)


@strawberry.input(description="The commission's decision on one participant.")
class CommissionDecisionInput:
    participant: strawberry.ID = strawberry.field(description="The participant.")
    awarded: bool = strawberry.field(description="Whether the qualification is awarded.")
    partial_qualification: strawberry.ID | None = strawberry.field(
        default=None, description="For a partial qualification: which one."
    )
    specialisation: strawberry.ID | None = strawberry.field(
        default=None, description="The specialisation awarded, if any."
    )


@strawberry.input(description="What protocol to draw up.")
class ProtocolCreateInput:
    kind: ProtocolKind = strawberry.field(description="Assessment or commission protocol.")
    group: strawberry.ID | None = strawberry.field(
        default=None, description="For an assessment protocol: the group."
    )
    chair: strawberry.ID | None = strawberry.field(
        default=None, description="For a commission protocol: the chair who signs (a Person)."
    )
    decisions: list[CommissionDecisionInput] | None = strawberry.field(
        default=None,
        description="For a commission protocol: decisions that differ from the default "
        "(a pass is awarded the full qualification, anything else nothing).",
    )


@strawberry.type(description="Result of a protocol mutation.")
class ProtocolPayload:
    protocol: Protocol | None = strawberry.field(description="The protocol, if it succeeded.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(
    description="A signing with the signer's own device (ID-card, Smart-ID, Mobile-ID), "
    "as its signer sees it; nobody else can read it."
)
class SigningSession:
    id: str = strawberry.field(description="The session's id (`sessionId` of the mutations).")
    method: SignatureMethod = strawberry.field(description="The device that signs.")
    status: SigningSessionStatus = strawberry.field(description="Where the signing is.")
    error_code: ErrorCode | None = strawberry.field(
        description="Why a FAILED or EXPIRED session ended."
    )
    error_message: str | None = strawberry.field(
        description="The same in words, Estonian and English."
    )
    verification_code: str | None = strawberry.field(
        description="Smart-ID and Mobile-ID: the four digits the phone shows too; the signer "
        "confirms only when they match."
    )
    expires_at: datetime = strawberry.field(description="The session ends by this time.")
    completed_at: datetime | None = strawberry.field(description="When it ended, if it has.")

    @classmethod
    def of(cls, row: SigningSessionRow) -> SigningSession:
        code = ErrorCode.__members__.get(row.error_code) if row.error_code else None
        return cls(
            id=row.session_key,
            method=row.method,
            status=row.status,
            error_code=code,
            error_message=MESSAGES.get(row.error_code) if row.error_code else None,
            verification_code=row.verification_code,
            expires_at=row.expires_at,
            completed_at=row.completed_at,
        )


@strawberry.type(description="Result of cancelling a signing session.")
class SigningSessionPayload:
    session: SigningSession | None = strawberry.field(description="The session after the change.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="The hash the signer's device signs, and how to finish.")
class ProtocolSigningStartPayload:
    session_id: str | None = strawberry.field(
        description="Pass to protocolSigningComplete (appealDecisionSigningComplete for an "
        "appeal decision) with the signature."
    )
    hash: str | None = strawberry.field(description="The hash to sign, base64.")
    hash_function: str | None = strawberry.field(
        description="SHA-256, SHA-384 or SHA-512, as the device must be told."
    )
    expires_at: datetime | None = strawberry.field(
        description="The session must be completed before this."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")
    verification_code: str | None = strawberry.field(
        default=None,
        description="Smart-ID and Mobile-ID: show these four digits; the phone shows the same.",
    )
    session: SigningSession | None = strawberry.field(
        default=None,
        description="The session; follow its status (query `signingSession` or the "
        "subscription) until it is SIGNED, FAILED, CANCELLED or EXPIRED.",
    )


@strawberry.type(description="The result of checking an uploaded PDF.")
class DocumentVerifyPayload:
    verification: DocumentVerification | None = strawberry.field(
        description="The signatures found and their state."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why the file could not be checked (DOCUMENT_UNREADABLE)."
    )
