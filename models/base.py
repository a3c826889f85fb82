"""Shared model pieces: timestamps and the optimistic-lock version column."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class TimestampedModel(Model):
    id = fields.IntField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True


class VersionedModel(TimestampedModel):
    """A row that several people may edit at once: writers compare and bump `version`."""

    version = fields.IntField(default=1)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True
