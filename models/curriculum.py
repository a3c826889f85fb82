"""Curricula (õppekavad) as EHIS registers them, and their links to standards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

from models.base import TimestampedModel

if TYPE_CHECKING:
    from models.organisation import Organisation
    from models.standard import Standard


class Curriculum(TimestampedModel):
    school: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="curricula", on_delete=fields.RESTRICT
    )
    ehis_code = fields.CharField(max_length=16, unique=True)
    name = fields.CharField(max_length=255)
    # Level and type, e.g. 441 "Neljanda taseme kutseõppe esmaõpe (kutsekeskharidusõpe)".
    level_type_code = fields.CharField(max_length=8)
    level_type_name = fields.CharField(max_length=255)
    nominal_years = fields.IntField()
    nominal_months = fields.IntField(default=0)
    registered_on = fields.DateField()
    admission_open = fields.BooleanField(default=True)
    # Õppekavarühm: the ISCED-F 2013 narrow field code (e.g. "0715" mechanics and metal
    # trades) EHIS files the curriculum under. Compensation rates are set per group.
    curriculum_group = fields.CharField(max_length=4, null=True)
    # A liitõppekava may give an additional qualification or specialisation.
    compound = fields.BooleanField(default=False)

    class Meta:
        table = "curriculum"
        constraints = (
            CheckConstraint(
                check="nominal_years >= 0 AND nominal_months BETWEEN 0 AND 11",
                name="curriculum_duration_chk",
            ),
            CheckConstraint(
                check="curriculum_group IS NULL OR length(curriculum_group) = 4",
                name="curriculum_group_chk",
            ),
        )

    @property
    def final_course(self) -> int:
        """The course number of the final year (a 2/6 curriculum ends in its third course)."""
        return final_course(self.nominal_years, self.nominal_months)


def final_course(nominal_years: int, nominal_months: int) -> int:
    return max(1, nominal_years + (1 if nominal_months else 0))


class CurriculumStandard(TimestampedModel):
    curriculum: fields.ForeignKeyRelation[Curriculum] = fields.ForeignKeyField(
        "models.Curriculum", related_name="standard_links", on_delete=fields.CASCADE
    )
    standard: fields.ForeignKeyRelation[Standard] = fields.ForeignKeyField(
        "models.Standard", related_name="curriculum_links", on_delete=fields.RESTRICT
    )

    class Meta:
        table = "curriculum_standard"
        unique_together = (("curriculum", "standard"),)
