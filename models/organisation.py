"""Organisations: schools (EHIS code), awarding bodies (registry code) and the register."""

from __future__ import annotations

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

from models.base import TimestampedModel
from models.enums import OrganisationKind, sql_in


class Organisation(TimestampedModel):
    kind = fields.CharEnumField(OrganisationKind, max_length=16)
    # EHIS institution code for a school, business registry code for an awarding body.
    code = fields.CharField(max_length=16)
    name = fields.CharField(max_length=255)
    email = fields.CharField(max_length=255, null=True)
    # Members an assessment committee needs besides its chair (seed 004: three in all).
    committee_min_members = fields.IntField(default=2)
    # Appeals (seeds 003, 004): how long after the announcement one may be filed, in
    # calendar days or Estonian working days, and how many days the decision may take.
    appeal_period_days = fields.IntField(default=7, db_default=7)
    appeal_period_in_working_days = fields.BooleanField(default=False, db_default=False)
    appeal_decision_days = fields.IntField(default=7, db_default=7)

    class Meta:
        table = "organisation"
        unique_together = (("kind", "code"),)
        constraints = (
            CheckConstraint(check=sql_in("kind", OrganisationKind), name="organisation_kind_chk"),
            CheckConstraint(check="committee_min_members >= 0", name="organisation_committee_chk"),
        )

    def __str__(self) -> str:
        return self.name
