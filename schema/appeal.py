"""Appeals (vaided) against an assessment result or a commission's decision."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.file_uploads import Upload

from models.enums import AppealChannel, AppealStatus, AppealSubject
from schema.describe import described_enum
from schema.enums import Role, SignatureMethod
from schema.errors import UserError
from schema.limits import TEXT, at_most, items_at_most
from schema.node import Node
from schema.person import Person

described_enum(
    AppealSubject,
    description="What an appeal contests.",
    values={
        AppealSubject.RESULT: "The assessment result, once the group's assessment protocol "
        "is signed.",
        AppealSubject.DECISION: "The qualification commission's decision, once announced (the "
        "commission protocol is signed).",
    },
)
described_enum(
    AppealStatus,
    description="Where an appeal is: FILED → UNDER_REVIEW → UPHELD or REJECTED; WITHDRAWN by "
    "the examinee before a decision.",
    values={
        AppealStatus.FILED: "Filed, not yet taken up by the awarding body.",
        AppealStatus.UNDER_REVIEW: "Before the awarding body's qualification commission.",
        AppealStatus.UPHELD: "Decided: the appeal is upheld (rahuldatud).",
        AppealStatus.REJECTED: "Decided: the appeal is rejected (jäeti rahuldamata).",
        AppealStatus.WITHDRAWN: "Withdrawn by the examinee (or the school) before a decision.",
    },
)
described_enum(
    AppealChannel,
    description="How an appeal arrived.",
    values={
        AppealChannel.ONLINE: "Filed in the service by the examinee or their school.",
        AppealChannel.PAPER: "A paper application, registered by the awarding body with the "
        "day it was received.",
    },
)


@strawberry.type(description="A PDF attached to an appeal (the file itself is not inlined).")
class AppealAttachment:
    filename: str = strawberry.field(description="The file's name as sent.")
    size: int = strawberry.field(description="Size in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the file, hex.")


@strawberry.type(description="An appeal (vaie) against an assessment result or a decision.")
class Appeal(Node):
    pk: strawberry.Private[int]
    subject: AppealSubject = strawberry.field(description="What the appeal contests.")
    status: AppealStatus = strawberry.field(description="Where the appeal is.")
    channel: AppealChannel = strawberry.field(description="Filed online or on paper.")
    version: int = strawberry.field(description="Pass it back when changing the appeal.")
    examinee: Person = strawberry.field(
        description="Whose result or decision is contested (personal code only to those who "
        "handle the appeal and to the examinee)."
    )
    standard_name: str = strawberry.field(description="The exam's standard.")
    school_name: str = strawberry.field(description="The exam's school.")
    awarding_body_name: str = strawberry.field(
        description="The awarding body whose qualification commission decides."
    )
    reason: str = strawberry.field(description="The reasons the filer gave.")
    filed_by_role: Role | None = strawberry.field(
        description="The role the filer acted in; null when the examinee filed themselves."
    )
    filed_at: datetime = strawberry.field(description="When it was filed or registered.")
    received_on: date = strawberry.field(
        description="The day it counts as received (a paper application: the day received)."
    )
    announced_on: date = strawberry.field(
        description="The announcement of the contested result or decision."
    )
    filing_deadline: date = strawberry.field(
        description="The last day it could be filed (the awarding body's setting)."
    )
    decision_due: date = strawberry.field(description="The day the decision is due.")
    overdue: bool = strawberry.field(
        description="Still open after its decision day (`decisionDue`)."
    )
    review_started_at: datetime | None = strawberry.field(
        description="When the awarding body took it up."
    )
    decided_at: datetime | None = strawberry.field(description="When it was decided.")
    decision_reason: str | None = strawberry.field(description="The commission's reasons.")
    withdrawn_at: datetime | None = strawberry.field(description="When it was withdrawn.")
    attachments: list[AppealAttachment] = strawberry.field(description="The PDFs attached.")
    decision_signed: bool = strawberry.field(
        description="Whether the decision's PDF carries the chair's signature. Without a "
        "server-held key the chair who decided signs it on their own device "
        "(`appealDecisionSigningStart`); until then it is false."
    )
    decision_signed_at: datetime | None = strawberry.field(
        description="When the chair signed the decision's PDF; null while it is unsigned."
    )
    decision_signature_method: SignatureMethod | None = strawberry.field(
        description="How the decision's PDF was signed (server key in development, ID-card, "
        "Smart-ID or Mobile-ID); null while it is unsigned."
    )
    decision_document_url: str | None = strawberry.field(
        description="Where the decision's PDF downloads (GET with the same bearer token); "
        "null until decided."
    )


# How many PDFs one appeal may carry: with EH_APPEAL_ATTACHMENT_MAX_BYTES each, this bounds the
# multipart request (app/asgi.py body_limit).
MAX_ATTACHMENTS = 4


@strawberry.input(
    description="A PDF to attach to an appeal, sent as a file of a GraphQL multipart request "
    "(the upload specification, as for documentVerify): JSON bodies are limited to "
    "EH_MAX_BODY_BYTES, files are not."
)
class AppealAttachmentInput:
    file: Upload = strawberry.field(
        description="The PDF (at most EH_APPEAL_ATTACHMENT_MAX_BYTES bytes); its file name is kept."
    )


@strawberry.input(description="An appeal to file.")
class AppealFileInput:
    participant: strawberry.ID = strawberry.field(
        description="The participation (from `myParticipations`, or a Participant's ID)."
    )
    subject: AppealSubject = strawberry.field(description="What is contested.")
    reason: str = strawberry.field(description="The reasons (required).", metadata=at_most(TEXT))
    attachments: list[AppealAttachmentInput] = strawberry.field(
        default_factory=list,
        description=f"PDFs supporting the appeal (at most {MAX_ATTACHMENTS}).",
        metadata=items_at_most(MAX_ATTACHMENTS),
    )
    received_on: date | None = strawberry.field(
        default=None,
        description="The awarding body registering a paper application: the day it was "
        "received. Leave empty when filing online.",
    )


@strawberry.input(description="Filters for the appeal list.")
class AppealFilter:
    status: list[AppealStatus] | None = strawberry.field(
        default=None, description="Only appeals in these states."
    )
    overdue: bool | None = strawberry.field(
        default=None, description="Only open appeals past their decision day (or not)."
    )


@strawberry.type(description="Result of an appeal mutation.")
class AppealPayload:
    appeal: Appeal | None = strawberry.field(description="The appeal as it is now.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.type(description="Appeals of one awarding body, standard and year.")
class AppealStatistics:
    awarding_body: str = strawberry.field(description="The awarding body that decides.")
    standard: str = strawberry.field(description="The exam's standard.")
    year: int = strawberry.field(description="The year the appeals were received.")
    filed: int = strawberry.field(description="Appeals received.")
    open: int = strawberry.field(description="Not yet decided (filed or under review).")
    decided: int = strawberry.field(description="Upheld or rejected.")
    upheld: int = strawberry.field(description="Upheld.")
    withdrawn: int = strawberry.field(description="Withdrawn before a decision.")
    overdue: int = strawberry.field(description="Open past their decision day.")
    share_upheld: float | None = strawberry.field(
        description="Upheld among the decided (0–1); null when none is decided."
    )
    median_days_to_decision: float | None = strawberry.field(
        description="Median days from receipt to decision; null when none is decided."
    )
