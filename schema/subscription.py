"""What live-update subscriptions deliver: one small change record per committed event.

A record says what happened and the object's status and version after it; a screen that
needs more refetches the object through the ordinary queries (with its loaders and guards).
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from models.enums import ExamStatus, ProtocolStatus, Role
from schema.enums import SigningSessionStatus


@strawberry.interface(
    description="What every change record of examChanged and protocolChanged says besides "
    "what changed: the version after it, who made it and when."
)
class Change:
    version: int | None = strawberry.field(
        description="The object's version after the change: compare with the version you "
        "hold to know whether to refetch."
    )
    actor_id: strawberry.ID | None = strawberry.field(
        description="Who made the change (a Person's global ID); null on the first message."
    )
    actor_role: Role | None = strawberry.field(description="The role they acted in.")
    at: datetime = strawberry.field(
        description="When the change was made (on the first message: when it was read)."
    )


@strawberry.type(description="A committed change to an exam or to anything in it.")
class ExamChange(Change):
    exam_id: strawberry.ID = strawberry.field(description="The exam (global ID).")
    kind: str = strawberry.field(
        description="What happened: `current` for the first message (the state when the "
        "subscription started listening), then the audit action, e.g. `exam.submit`, "
        "`exam.update`, `group.update`, `participant.result`, `protocol.create`. After "
        "`exam.delete` (or when the exam leaves your scope) the subscription ends."
    )
    status: ExamStatus | None = strawberry.field(
        description="The exam's status after the change (null once deleted)."
    )


@strawberry.type(description="A committed change to a protocol: created, signed, sealed.")
class ProtocolChange(Change):
    protocol_id: strawberry.ID = strawberry.field(description="The protocol (global ID).")
    exam_id: strawberry.ID = strawberry.field(description="Its exam (global ID).")
    kind: str = strawberry.field(
        description="What happened: `current` for the first message (the state when the "
        "subscription started listening), then `protocol.create`, `signature.added` (one more "
        "signature), `certificate.issue` (the commission protocol's certificates were issued)."
    )
    status: ProtocolStatus | None = strawberry.field(
        description="The protocol's status after the change."
    )


@strawberry.type(description="A signing session with the signer's own device moved on.")
class SigningSessionChange:
    session_id: str = strawberry.field(description="The session, as its start returned it.")
    status: SigningSessionStatus = strawberry.field(description="Where the session is now.")
    code: str | None = strawberry.field(
        description="With FAILED: the ErrorCode value that says why (see ErrorCode)."
    )
    verification_code: str | None = strawberry.field(
        description="The code the signer's device shows, to compare before confirming "
        "(Smart-ID, Mobile-ID). Only for the signer; null for anyone else."
    )
    at: datetime = strawberry.field(description="When the session moved on.")
