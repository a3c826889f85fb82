"""EHIS students: a person's enrolment on a curriculum."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

from models.base import TimestampedModel
from models.enums import FundingCode, sql_in

if TYPE_CHECKING:
    from models.curriculum import Curriculum
    from models.person import Person
    from models.standard import Standard


class Student(TimestampedModel):
    # Foreign-key columns Tortoise adds, declared for the type checker.
    person_id: int
    curriculum_id: int
    standard_id: int | None

    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="enrolments", on_delete=fields.RESTRICT
    )
    curriculum: fields.ForeignKeyRelation[Curriculum] = fields.ForeignKeyField(
        "models.Curriculum", related_name="students", on_delete=fields.RESTRICT
    )
    # The standard the student studied under (matters once that standard has expired).
    standard: fields.ForeignKeyNullableRelation[Standard] = fields.ForeignKeyField(
        "models.Standard", related_name="students", null=True, on_delete=fields.RESTRICT
    )
    course = fields.IntField()
    funding_code = fields.CharEnumField(FundingCode, max_length=1)
    special_needs = fields.BooleanField(default=False)
    # Language of study (ISO 639-1): a participant sits the exam in a group of this language.
    language = fields.CharField(max_length=2, default="et", db_default="et")
    started_on = fields.DateField()
    # Nominal end of studies; an over-time student may sit the exam up to a year after it.
    ends_on = fields.DateField()
    studies_ended_on = fields.DateField(null=True)

    class Meta:
        table = "student"
        unique_together = (("person", "curriculum"),)
        constraints = (
            CheckConstraint(check="course BETWEEN 1 AND 10", name="student_course_chk"),
            CheckConstraint(check=sql_in("funding_code", FundingCode), name="student_funding_chk"),
            CheckConstraint(check="ends_on >= started_on", name="student_dates_chk"),
        )
