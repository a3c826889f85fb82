"""User errors: expected failures returned as data with a stable code."""

from __future__ import annotations

from enum import StrEnum

import strawberry


@strawberry.enum(description="Stable codes of user errors; clients branch on these.")
class ErrorCode(StrEnum):
    INVALID_PERSONAL_CODE = "INVALID_PERSONAL_CODE"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    GROUP_FULL = "GROUP_FULL"
    INVALID_STATE = "INVALID_STATE"
    STALE_VERSION = "STALE_VERSION"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    COMMENT_REQUIRED = "COMMENT_REQUIRED"
    SCHEDULE_CONFLICT = "SCHEDULE_CONFLICT"
    DUPLICATE_EXAM = "DUPLICATE_EXAM"
    SIGNATURE_INVALID = "SIGNATURE_INVALID"
    INVALID_INPUT = "INVALID_INPUT"
    NO_PARTICIPANTS = "NO_PARTICIPANTS"
    NOT_IN_GROUP = "NOT_IN_GROUP"
    REASON_REQUIRED = "REASON_REQUIRED"
    NOT_LINKED = "NOT_LINKED"
    GROUP_HAS_NO_FREE_PLACES = "GROUP_HAS_NO_FREE_PLACES"
    COMMITTEE_INCOMPLETE = "COMMITTEE_INCOMPLETE"
    PERSON_MISMATCH = "PERSON_MISMATCH"
    PERSON_UNKNOWN = "PERSON_UNKNOWN"
    RESULTS_MISSING = "RESULTS_MISSING"
    PROTOCOL_SIGNED = "PROTOCOL_SIGNED"
    NOT_A_SIGNER = "NOT_A_SIGNER"
    ALREADY_SIGNED = "ALREADY_SIGNED"
    CERTIFICATE_REJECTED = "CERTIFICATE_REJECTED"
    CERTIFICATE_NOT_SIGNERS = "CERTIFICATE_NOT_SIGNERS"
    SESSION_EXPIRED = "SESSION_EXPIRED"
    DOCUMENT_CHANGED = "DOCUMENT_CHANGED"
    TIMESTAMP_UNAVAILABLE = "TIMESTAMP_UNAVAILABLE"
    SERVER_SIGNING_DISABLED = "SERVER_SIGNING_DISABLED"
    DOCUMENT_UNREADABLE = "DOCUMENT_UNREADABLE"
    SIGNING_FAILED = "SIGNING_FAILED"
    RATE_EXISTS = "RATE_EXISTS"
    RATE_NOT_NEWER = "RATE_NOT_NEWER"


@strawberry.type(description="A problem with the input of a mutation, shown to the user.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault, if one is."
    )
    message: str = strawberry.field(description="What went wrong, in Estonian and English.")
    code: ErrorCode = strawberry.field(description="Stable machine-readable code.")
