"""Exam groups (grupid) and their assessment committees (hindamiskomisjonid)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

from models.base import LocalTimeField, TimestampedModel, VersionedModel
from models.enums import CommitteeRole, sql_in

# A group's limit is capped so that its participant list stays a bounded, plain list whose
# size the query cost can count on. Seed 000's groups hold about 23; one committee assesses
# a group, so 60 is generous.
MAX_GROUP_LIMIT = 60

if TYPE_CHECKING:
    from models.exam import Exam
    from models.person import Person


class ExamGroup(VersionedModel):
    # Foreign-key columns Tortoise adds, declared for the type checker.
    exam_id: int

    exam: fields.ForeignKeyNullableRelation[Exam] = fields.ForeignKeyField(
        "models.Exam", related_name="groups", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=255)
    limit = fields.IntField()
    language = fields.CharField(max_length=2, default="et")
    date = fields.DateField(null=True)
    time = LocalTimeField(null=True)
    place = fields.CharField(max_length=255, null=True)
    room = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "exam_group"
        unique_together = (("exam", "name"),)
        constraints = (
            CheckConstraint(
                check=f'"limit" BETWEEN 1 AND {MAX_GROUP_LIMIT}', name="exam_group_limit_chk"
            ),
        )


class CommitteeMember(TimestampedModel):
    group: fields.ForeignKeyRelation[ExamGroup] = fields.ForeignKeyField(
        "models.ExamGroup", related_name="committee_members", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="committee_memberships", on_delete=fields.RESTRICT
    )
    role = fields.CharEnumField(CommitteeRole, max_length=16)

    class Meta:
        table = "committee_member"
        unique_together = (("group", "person"),)
        constraints = (
            CheckConstraint(check=sql_in("role", CommitteeRole), name="committee_member_role_chk"),
        )
