"""Certificates (kutsetunnistused) in the public register."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

from models.base import TimestampedModel
from models.enums import CertificateKind, sql_in

if TYPE_CHECKING:
    from models.organisation import Organisation
    from models.person import Person
    from models.protocol import Protocol
    from models.standard import PartialQualification, Specialisation, Standard


class Certificate(TimestampedModel):
    person_id: int
    protocol_id: int | None
    partial_qualification_id: int | None
    specialisation_id: int | None

    register_number = fields.IntField(unique=True)
    kind = fields.CharEnumField(CertificateKind, max_length=24)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="certificates", on_delete=fields.RESTRICT
    )
    standard: fields.ForeignKeyRelation[Standard] = fields.ForeignKeyField(
        "models.Standard", related_name="certificates", on_delete=fields.RESTRICT
    )
    partial_qualification: fields.ForeignKeyNullableRelation[PartialQualification] = (
        fields.ForeignKeyField(
            "models.PartialQualification",
            related_name="certificates",
            null=True,
            on_delete=fields.RESTRICT,
        )
    )
    specialisation: fields.ForeignKeyNullableRelation[Specialisation] = fields.ForeignKeyField(
        "models.Specialisation", related_name="certificates", null=True, on_delete=fields.RESTRICT
    )
    awarding_body: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="certificates", on_delete=fields.RESTRICT
    )
    protocol: fields.ForeignKeyNullableRelation[Protocol] = fields.ForeignKeyField(
        "models.Protocol", related_name="certificates", null=True, on_delete=fields.RESTRICT
    )
    ekr_level = fields.IntField()
    valid_from = fields.DateField()
    valid_until = fields.DateField(null=True)
    on_school_leaving_document = fields.BooleanField(default=False)
    issued_at = fields.DatetimeField()
    # Annulled (e.g. after an upheld appeal): kept in the register, shown as annulled.
    annulled_at = fields.DatetimeField(null=True)
    annulment_reason = fields.TextField(null=True)

    class Meta:
        table = "certificate"
        constraints = (
            CheckConstraint(check=sql_in("kind", CertificateKind), name="certificate_kind_chk"),
            CheckConstraint(
                check="kind <> 'PARTIAL_CERTIFICATE' OR partial_qualification_id IS NOT NULL",
                name="certificate_partial_chk",
            ),
            CheckConstraint(check="register_number > 0", name="certificate_number_chk"),
        )


class RegisterCounter(TimestampedModel):
    """The last number given out of a register (certificates): sequential, without gaps."""

    name = fields.CharField(max_length=32, unique=True)
    last_value = fields.IntField(default=0)

    class Meta:
        table = "register_counter"
