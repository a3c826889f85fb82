"""Appeals (vaided) against an assessment result or a commission's decision, and their
attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

from models.base import TimestampedModel, VersionedModel
from models.enums import AppealChannel, AppealStatus, AppealSubject, Role, SignatureMethod, sql_in

if TYPE_CHECKING:
    from models.exam import Exam
    from models.organisation import Organisation
    from models.participant import Participant
    from models.person import Person
    from models.protocol import Protocol


class Appeal(VersionedModel):
    # Foreign-key columns Tortoise adds, declared for the type checker.
    exam_id: int
    participant_id: int
    awarding_body_id: int
    filed_by_id: int
    decided_by_id: int | None
    corrected_protocol_id: int | None

    exam: fields.ForeignKeyRelation[Exam] = fields.ForeignKeyField(
        "models.Exam", related_name="appeals", on_delete=fields.RESTRICT
    )
    participant: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="appeals", on_delete=fields.RESTRICT
    )
    # The body whose qualification commission decides (the exam's awarding body).
    awarding_body: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="appeals", on_delete=fields.RESTRICT
    )
    subject = fields.CharEnumField(AppealSubject, max_length=16)
    status = fields.CharEnumField(AppealStatus, max_length=16, default=AppealStatus.FILED)
    channel = fields.CharEnumField(AppealChannel, max_length=8, default=AppealChannel.ONLINE)
    reason = fields.TextField()
    filed_by: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="filed_appeals", on_delete=fields.RESTRICT
    )
    # The role the filer acted in; null when the examinee filed in their personal view.
    filed_by_role = fields.CharEnumField(Role, max_length=20, null=True)
    filed_at = fields.DatetimeField()
    # The day the appeal counts as received (a paper application: the day on its stamp).
    received_on = fields.DateField()
    # The announcement the deadline was counted from, and the deadlines that follow.
    announced_on = fields.DateField()
    filing_deadline = fields.DateField()
    decision_due = fields.DateField()
    review_started_at = fields.DatetimeField(null=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="decided_appeals", null=True, on_delete=fields.RESTRICT
    )
    decision_reason = fields.TextField(null=True)
    withdrawn_at = fields.DatetimeField(null=True)
    # An upheld appeal's consequence: the corrected commission protocol drawn up for it, and
    # when that protocol was signed (the correction applied; nothing more may change).
    corrected_protocol: fields.ForeignKeyNullableRelation[Protocol] = fields.ForeignKeyField(
        "models.Protocol", related_name="appeals", null=True, on_delete=fields.RESTRICT
    )
    applied_at = fields.DatetimeField(null=True)

    class Meta:
        table = "appeal"
        constraints = (
            CheckConstraint(check=sql_in("subject", AppealSubject), name="appeal_subject_chk"),
            CheckConstraint(check=sql_in("status", AppealStatus), name="appeal_status_chk"),
            CheckConstraint(check=sql_in("channel", AppealChannel), name="appeal_channel_chk"),
            CheckConstraint(
                check="status NOT IN ('UPHELD', 'REJECTED') "
                "OR (decided_at IS NOT NULL AND decision_reason IS NOT NULL)",
                name="appeal_decided_chk",
            ),
            CheckConstraint(check="length(reason) > 0", name="appeal_reason_chk"),
        )


class AppealAttachment(TimestampedModel):
    """A PDF the filer added to the appeal, kept apart so that lists never load the bytes."""

    appeal_id: int

    appeal: fields.ForeignKeyRelation[Appeal] = fields.ForeignKeyField(
        "models.Appeal", related_name="attachments", on_delete=fields.CASCADE
    )
    filename = fields.CharField(max_length=255)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    content = fields.BinaryField()

    class Meta:
        table = "appeal_attachment"
        constraints = (CheckConstraint(check="size > 0", name="appeal_attachment_size_chk"),)


class AppealDocument(TimestampedModel):
    """The decision as a PDF, signed by the commission chair (PAdES, like the protocols)."""

    appeal_id: int
    signer_id: int | None

    appeal: fields.OneToOneRelation[Appeal] = fields.OneToOneField(
        "models.Appeal", related_name="document", on_delete=fields.CASCADE
    )
    content = fields.BinaryField()
    sha256 = fields.CharField(max_length=64)
    signed_at = fields.DatetimeField(null=True)
    signer: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person",
        related_name="signed_appeal_decisions",
        null=True,
        on_delete=fields.RESTRICT,
    )
    method = fields.CharEnumField(SignatureMethod, max_length=16, null=True)
    certificate_subject = fields.CharField(max_length=512, null=True)
    # Where the rendered document keeps the chair's signature box (page from 0 and
    # rectangle), for a signature made later on the chair's own device.
    field_page = fields.IntField(null=True)
    field_box: list[int] | None = fields.JSONField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "appeal_document"
