"""Occupational standards (kutsestandardid), their partial qualifications, specialisations and
the awarding bodies that may award them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

from models.base import TimestampedModel
from models.enums import StandardStatus

if TYPE_CHECKING:
    from models.organisation import Organisation


class Standard(TimestampedModel):
    # The register's identifier of the standard; versions share it.
    code = fields.CharField(max_length=16)
    version = fields.IntField()
    name = fields.CharField(max_length=255)
    name_en = fields.CharField(max_length=255, null=True)
    field_of_activity = fields.CharField(max_length=255, null=True)  # kutsetegevuse valdkond
    occupational_area = fields.CharField(max_length=255)  # kutseala
    occupation_group = fields.CharField(max_length=255, null=True)  # kutse grupp
    kind = fields.CharField(max_length=64, default="kutsestandard")  # tüüp
    ekr_level = fields.IntField()
    eqf_level = fields.IntField()
    isco = fields.CharField(max_length=16, null=True)
    isced = fields.CharField(max_length=16, null=True)
    emtak = fields.CharField(max_length=16, null=True)
    valid_from = fields.DateField()
    valid_until = fields.DateField(null=True)
    # Awarding may go on for students who studied under it until this date (seed 000, Abikokk).
    awarding_allowed_until = fields.DateField(null=True)
    changes = fields.TextField(null=True)
    # How long a certificate under this standard is valid; five years unless the standard says.
    certificate_validity_months = fields.IntField(default=60, db_default=60)

    class Meta:
        table = "standard"
        unique_together = (("code", "version"),)
        constraints = (
            CheckConstraint(check="ekr_level BETWEEN 1 AND 8", name="standard_ekr_chk"),
            CheckConstraint(check="eqf_level BETWEEN 1 AND 8", name="standard_eqf_chk"),
            CheckConstraint(check="version >= 1", name="standard_version_chk"),
            CheckConstraint(
                check="valid_until IS NULL OR valid_until >= valid_from",
                name="standard_validity_chk",
            ),
        )

    def status_on(self, day: date) -> StandardStatus:
        return standard_status(self.valid_from, self.valid_until, day)


def standard_status(valid_from: date, valid_until: date | None, day: date) -> StandardStatus:
    if day < valid_from:
        return StandardStatus.UPCOMING
    if valid_until is not None and day > valid_until:
        return StandardStatus.EXPIRED
    return StandardStatus.VALID


class PartialQualification(TimestampedModel):
    """An osakutse: a smaller qualification inside a standard."""

    standard: fields.ForeignKeyRelation[Standard] = fields.ForeignKeyField(
        "models.Standard", related_name="partial_qualifications", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=255)

    class Meta:
        table = "partial_qualification"
        unique_together = (("standard", "name"),)


class Specialisation(TimestampedModel):
    standard: fields.ForeignKeyRelation[Standard] = fields.ForeignKeyField(
        "models.Standard", related_name="specialisations", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=255)

    class Meta:
        table = "specialisation"
        unique_together = (("standard", "name"),)


class StandardAwardingBody(TimestampedModel):
    standard: fields.ForeignKeyRelation[Standard] = fields.ForeignKeyField(
        "models.Standard", related_name="awarding_body_links", on_delete=fields.CASCADE
    )
    awarding_body: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="standard_links", on_delete=fields.RESTRICT
    )

    class Meta:
        table = "standard_awarding_body"
        unique_together = (("standard", "awarding_body"),)
