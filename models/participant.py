"""Exam participants: graduates from EHIS, work-world applicants and retakers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

from models.base import VersionedModel
from models.enums import FundingCode, ParticipantKind, ParticipantResult, sql_in

if TYPE_CHECKING:
    from models.exam import Exam
    from models.group import ExamGroup
    from models.person import Person
    from models.standard import PartialQualification, Specialisation
    from models.student import Student


class Participant(VersionedModel):
    # Foreign-key columns Tortoise adds, declared for the type checker.
    exam_id: int
    group_id: int | None
    person_id: int
    student_id: int | None
    partial_qualification_id: int | None
    specialisation_id: int | None

    exam: fields.ForeignKeyRelation[Exam] = fields.ForeignKeyField(
        "models.Exam", related_name="participants", on_delete=fields.CASCADE
    )
    group: fields.ForeignKeyNullableRelation[ExamGroup] = fields.ForeignKeyField(
        "models.ExamGroup", related_name="participants", null=True, on_delete=fields.SET_NULL
    )
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="participations", on_delete=fields.RESTRICT
    )
    student: fields.ForeignKeyNullableRelation[Student] = fields.ForeignKeyField(
        "models.Student", related_name="participations", null=True, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(ParticipantKind, max_length=24)
    # Snapshots taken when the participant was added: a later EHIS change leaves them as they were.
    course = fields.IntField(null=True)
    funding_code = fields.CharEnumField(FundingCode, max_length=1, null=True)
    special_needs = fields.BooleanField(default=False)
    language = fields.CharField(max_length=2, default="et", db_default="et")
    result = fields.CharEnumField(ParticipantResult, max_length=16, null=True)
    score = fields.IntField(null=True)
    scores: dict[str, int] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    absence_reason = fields.TextField(null=True)
    # The commission's decision.
    awarded = fields.BooleanField(null=True)
    partial_qualification: fields.ForeignKeyNullableRelation[PartialQualification] = (
        fields.ForeignKeyField(
            "models.PartialQualification",
            related_name="participants",
            null=True,
            on_delete=fields.RESTRICT,
        )
    )
    specialisation: fields.ForeignKeyNullableRelation[Specialisation] = fields.ForeignKeyField(
        "models.Specialisation", related_name="participants", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "participant"
        unique_together = (("exam", "person"),)
        constraints = (
            CheckConstraint(check=sql_in("kind", ParticipantKind), name="participant_kind_chk"),
            CheckConstraint(
                check="result IS NULL OR " + sql_in("result", ParticipantResult),
                name="participant_result_chk",
            ),
            CheckConstraint(
                check="funding_code IS NULL OR " + sql_in("funding_code", FundingCode),
                name="participant_funding_chk",
            ),
            # Work-world applicants are never graduates and never state funded (seed 001).
            CheckConstraint(
                check="kind <> 'WORK_WORLD_APPLICANT' "
                "OR (student_id IS NULL AND funding_code IS NULL)",
                name="participant_work_world_chk",
            ),
            CheckConstraint(check="score IS NULL OR score >= 0", name="participant_score_chk"),
            CheckConstraint(
                check="result <> 'ABSENT' OR score IS NULL", name="participant_absent_chk"
            ),
        )

    @property
    def state_funded(self) -> bool:
        return self.funding_code is not None and FundingCode(self.funding_code).state_funded
