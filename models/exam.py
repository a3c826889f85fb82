"""Exams (kutseeksamid) and the scoring schemes they are assessed by."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

from models.base import TimestampedModel, VersionedModel
from models.enums import ExamStatus, ExamType, sql_in

if TYPE_CHECKING:
    from models.curriculum import Curriculum
    from models.organisation import Organisation
    from models.person import Person
    from models.standard import Standard


class ScoringScheme(TimestampedModel):
    """How an exam is scored: named parts with their maximum points and a pass mark.

    `parts` is a list of {"code", "name", "max"}; seed 003's scheme is the demo one.
    """

    awarding_body: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="scoring_schemes", null=True, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=255)
    parts: list[dict[str, object]] = fields.JSONField()  # type: ignore[assignment]
    pass_mark = fields.IntField()
    partial_pass_mark = fields.IntField(null=True)

    class Meta:
        table = "scoring_scheme"
        constraints = (
            CheckConstraint(check="pass_mark > 0", name="scoring_scheme_pass_chk"),
            CheckConstraint(
                check="partial_pass_mark IS NULL OR partial_pass_mark < pass_mark",
                name="scoring_scheme_partial_chk",
            ),
        )


class Exam(VersionedModel):
    # Foreign-key columns Tortoise adds, declared for the type checker.
    school_id: int
    awarding_body_id: int
    curriculum_id: int
    standard_id: int
    scoring_scheme_id: int | None
    responsible_id: int
    created_by_id: int

    school: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="school_exams", on_delete=fields.RESTRICT
    )
    awarding_body: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="awarding_body_exams", on_delete=fields.RESTRICT
    )
    curriculum: fields.ForeignKeyRelation[Curriculum] = fields.ForeignKeyField(
        "models.Curriculum", related_name="exams", on_delete=fields.RESTRICT
    )
    standard: fields.ForeignKeyRelation[Standard] = fields.ForeignKeyField(
        "models.Standard", related_name="exams", on_delete=fields.RESTRICT
    )
    scoring_scheme: fields.ForeignKeyNullableRelation[ScoringScheme] = fields.ForeignKeyField(
        "models.ScoringScheme", related_name="exams", null=True, on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(ExamStatus, max_length=16, default=ExamStatus.DRAFT)
    # Theory, practical or both: the compensation rate depends on it. Exams made before the
    # column existed are taken as combined, the usual vocational exam (seed 003).
    exam_type = fields.CharEnumField(
        ExamType, max_length=16, default=ExamType.COMBINED, db_default=ExamType.COMBINED.value
    )
    graduation_date = fields.DateField()
    language = fields.CharField(max_length=2, default="et")
    final_course = fields.IntField()
    responsible: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="responsible_exams", on_delete=fields.RESTRICT
    )
    created_by: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="created_exams", on_delete=fields.RESTRICT
    )
    comment = fields.TextField(null=True)
    return_reason = fields.TextField(null=True)
    submitted_at = fields.DatetimeField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    assessed_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "exam"
        constraints = (
            CheckConstraint(check=sql_in("status", ExamStatus), name="exam_status_chk"),
            CheckConstraint(check="version >= 1", name="exam_version_chk"),
            CheckConstraint(check=sql_in("exam_type", ExamType), name="exam_type_chk"),
            CheckConstraint(check="final_course BETWEEN 1 AND 10", name="exam_final_course_chk"),
            CheckConstraint(
                check="status = 'DRAFT' OR submitted_at IS NOT NULL OR status = 'CANCELLED'",
                name="exam_submitted_chk",
            ),
        )
