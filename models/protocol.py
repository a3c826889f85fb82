"""Assessment and commission protocols, their signatures and numbering."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

from models.base import TimestampedModel, VersionedModel
from models.enums import (
    ProtocolKind,
    ProtocolStatus,
    SignatureMethod,
    SigningSessionStatus,
    sql_in,
)

if TYPE_CHECKING:
    from models.appeal import AppealDocument
    from models.exam import Exam
    from models.group import ExamGroup
    from models.organisation import Organisation
    from models.person import Person


class Protocol(VersionedModel):
    # Foreign-key columns Tortoise adds, declared for the type checker.
    exam_id: int
    group_id: int | None
    chair_id: int | None
    supersedes_id: int | None

    exam: fields.ForeignKeyRelation[Exam] = fields.ForeignKeyField(
        "models.Exam", related_name="protocols", on_delete=fields.RESTRICT
    )
    # Assessment protocols belong to one group; the commission protocol to the whole exam.
    group: fields.ForeignKeyNullableRelation[ExamGroup] = fields.ForeignKeyField(
        "models.ExamGroup", related_name="protocols", null=True, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(ProtocolKind, max_length=16)
    number = fields.CharField(max_length=64, null=True, unique=True)
    date = fields.DateField()
    status = fields.CharEnumField(ProtocolStatus, max_length=16, default=ProtocolStatus.DRAFT)
    document_sha256 = fields.CharField(max_length=64, null=True)
    # The commission chair who signs the commission protocol, named when it is created.
    chair: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="chaired_protocols", null=True, on_delete=fields.RESTRICT
    )
    # A corrected commission protocol (after an upheld appeal) refers to the one it corrects;
    # that one stays as it was signed and is marked superseded once the correction is signed.
    supersedes: fields.ForeignKeyNullableRelation[Protocol] = fields.ForeignKeyField(
        "models.Protocol", related_name="corrections", null=True, on_delete=fields.RESTRICT
    )
    superseded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "protocol"
        constraints = (
            CheckConstraint(check=sql_in("kind", ProtocolKind), name="protocol_kind_chk"),
            CheckConstraint(check=sql_in("status", ProtocolStatus), name="protocol_status_chk"),
            CheckConstraint(
                check="(kind = 'ASSESSMENT' AND group_id IS NOT NULL) OR "
                "(kind = 'COMMISSION' AND group_id IS NULL AND number IS NOT NULL)",
                name="protocol_kind_shape_chk",
            ),
        )


class ProtocolDocument(TimestampedModel):
    """The PDF bytes, kept apart so that listing protocols never loads documents.

    `content` is the unsigned rendering until the first signature, then the signed file,
    which grows by one incremental revision per signature and is never rendered again.
    """

    protocol_id: int

    protocol: fields.OneToOneRelation[Protocol] = fields.OneToOneField(
        "models.Protocol", related_name="document", on_delete=fields.CASCADE
    )
    content = fields.BinaryField()
    signed = fields.BooleanField(default=False)

    class Meta:
        table = "protocol_document"


class ProtocolNumberSequence(TimestampedModel):
    """The last commission protocol number per awarding body and year: gapless by design."""

    awarding_body: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="protocol_sequences", on_delete=fields.RESTRICT
    )
    year = fields.IntField()
    last_number = fields.IntField(default=0)

    class Meta:
        table = "protocol_number_sequence"
        unique_together = (("awarding_body", "year"),)
        constraints = (
            CheckConstraint(check="last_number >= 0", name="protocol_number_sequence_chk"),
        )


class ProtocolSigner(TimestampedModel):
    """A person designated to sign a protocol, in signing order, with the form field for it."""

    protocol_id: int
    person_id: int

    protocol: fields.ForeignKeyRelation[Protocol] = fields.ForeignKeyField(
        "models.Protocol", related_name="signers", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="protocols_to_sign", on_delete=fields.RESTRICT
    )
    position = fields.IntField()
    role_label = fields.CharField(max_length=128)
    field_name = fields.CharField(max_length=64)
    # Where the rendered document keeps this signer's box: page (from 0) and rectangle.
    field_page = fields.IntField()
    field_box: list[int] = fields.JSONField()  # type: ignore[assignment]

    class Meta:
        table = "protocol_signer"
        unique_together = (("protocol", "person"), ("protocol", "position"))


class SigningSession(TimestampedModel):
    """The first of the two steps of signing with the signer's own device.

    Holds what is needed to finish the document once the device has signed the hash:
    `state` (the prepared document and signed attributes), and the document hash it was
    prepared on, so that a signature made on an older revision is never embedded.

    What is signed is either a protocol or an appeal decision's document: exactly one of
    `protocol` and `appeal_document` is set (a CHECK constraint says so).
    """

    protocol_id: int | None
    appeal_document_id: int | None
    signer_id: int

    session_key = fields.CharField(max_length=64, unique=True)
    protocol: fields.ForeignKeyNullableRelation[Protocol] = fields.ForeignKeyField(
        "models.Protocol", related_name="signing_sessions", null=True, on_delete=fields.CASCADE
    )
    appeal_document: fields.ForeignKeyNullableRelation[AppealDocument] = fields.ForeignKeyField(
        "models.AppealDocument",
        related_name="signing_sessions",
        null=True,
        on_delete=fields.CASCADE,
    )
    signer: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="signing_sessions", on_delete=fields.CASCADE
    )
    signer_role = fields.CharField(max_length=32)
    method = fields.CharEnumField(SignatureMethod, max_length=16)
    state = fields.BinaryField()
    certificate = fields.BinaryField()
    base_sha256 = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField()
    completed_at = fields.DatetimeField(null=True)
    status = fields.CharEnumField(
        SigningSessionStatus,
        max_length=16,
        default=SigningSessionStatus.WAITING,
        db_default=SigningSessionStatus.WAITING.value,
    )
    # Why a FAILED or EXPIRED session ended: an ErrorCode (never a personal detail).
    error_code = fields.CharField(max_length=64, null=True)
    # Smart-ID and Mobile-ID: SK's session id, and the verification code shown to the signer.
    provider_session = fields.CharField(max_length=128, null=True)
    verification_code = fields.CharField(max_length=8, null=True)
    # The API process following the phone session, until `lease_until`; after that any
    # process may take it over.
    lease_owner = fields.CharField(max_length=64, null=True)
    lease_until = fields.DatetimeField(null=True)
    # The organisation the signer acted for (their role's), to check their rights again
    # when the session completes in the background.
    signer_organisation_id = fields.IntField(null=True)

    class Meta:
        table = "signing_session"
        constraints = (
            CheckConstraint(
                check=sql_in("status", SigningSessionStatus), name="signing_session_status_chk"
            ),
            CheckConstraint(
                check="(protocol_id IS NULL) <> (appeal_document_id IS NULL)",
                name="signing_session_target_chk",
            ),
        )


class ProtocolExtract(TimestampedModel):
    """One school's extract of a signed commission protocol, sealed with the system e-seal."""

    protocol_id: int
    school_id: int

    protocol: fields.ForeignKeyRelation[Protocol] = fields.ForeignKeyField(
        "models.Protocol", related_name="extracts", on_delete=fields.CASCADE
    )
    school: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="protocol_extracts", on_delete=fields.RESTRICT
    )
    content = fields.BinaryField()
    sha256 = fields.CharField(max_length=64)

    class Meta:
        table = "protocol_extract"
        unique_together = (("protocol", "school"),)


class Signature(TimestampedModel):
    protocol_id: int
    signer_id: int

    protocol: fields.ForeignKeyRelation[Protocol] = fields.ForeignKeyField(
        "models.Protocol", related_name="signatures", on_delete=fields.CASCADE
    )
    signer: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="signatures", on_delete=fields.RESTRICT
    )
    signer_role = fields.CharField(max_length=32)
    method = fields.CharEnumField(SignatureMethod, max_length=16)
    signed_at = fields.DatetimeField()
    timestamp_at = fields.DatetimeField(null=True)
    certificate_subject = fields.CharField(max_length=512)
    certificate_serial = fields.CharField(max_length=128)

    class Meta:
        table = "signature"
        unique_together = (("protocol", "signer"),)
        constraints = (
            CheckConstraint(check=sql_in("method", SignatureMethod), name="signature_method_chk"),
        )
