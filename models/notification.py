"""Notifications to people, in the app and (through the outbox) by e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields

from models.base import TimestampedModel

if TYPE_CHECKING:
    from models.exam import Exam
    from models.person import Person


class Notification(TimestampedModel):
    recipient: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="notifications", on_delete=fields.CASCADE
    )
    exam: fields.ForeignKeyNullableRelation[Exam] = fields.ForeignKeyField(
        "models.Exam", related_name="notifications", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharField(max_length=32)
    subject = fields.CharField(max_length=255)
    body = fields.TextField()
    link = fields.CharField(max_length=512, null=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
