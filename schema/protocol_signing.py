"""Inputs and payloads of the protocol mutations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import strawberry

from schema.describe import described_enum
from schema.enums import ProtocolKind
from schema.errors import UserError
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


@strawberry.type(description="The hash the signer's device signs, and how to finish.")
class ProtocolSigningStartPayload:
    session_id: str | None = strawberry.field(
        description="Pass to protocolSigningComplete with the signature."
    )
    hash: str | None = strawberry.field(description="The hash to sign, base64.")
    hash_function: str | None = strawberry.field(
        description="SHA-256, SHA-384 or SHA-512, as the device must be told."
    )
    expires_at: datetime | None = strawberry.field(
        description="The session must be completed before this."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="The result of checking an uploaded PDF.")
class DocumentVerifyPayload:
    verification: DocumentVerification | None = strawberry.field(
        description="The signatures found and their state."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why the file could not be checked (DOCUMENT_UNREADABLE)."
    )
