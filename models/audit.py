"""The audit trail: who changed what, when, with the state before and after."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields

from models.base import TimestampedModel
from models.enums import Role

if TYPE_CHECKING:
    from models.exam import Exam
    from models.person import Person


class AuditEvent(TimestampedModel):
    exam: fields.ForeignKeyNullableRelation[Exam] = fields.ForeignKeyField(
        "models.Exam", related_name="audit_events", null=True, on_delete=fields.CASCADE
    )
    actor: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="audit_events", null=True, on_delete=fields.RESTRICT
    )
    actor_role = fields.CharEnumField(Role, max_length=20, null=True)
    action = fields.CharField(max_length=64)
    entity = fields.CharField(max_length=32)
    entity_id = fields.IntField(null=True)
    before: dict[str, object] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    after: dict[str, object] | None = fields.JSONField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "audit_event"
