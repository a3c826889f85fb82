"""Shared model pieces: timestamps and the optimistic-lock version column."""

from __future__ import annotations

import sqlite3
from datetime import time
from typing import Any

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


class LocalTimeField(fields.Field[time]):
    """A wall-clock time of day in Estonia (an exam's start), stored with no time zone.

    Tortoise's TimeField attaches UTC to times when time zones are on, which would turn
    "9.00 in Tartu" into an instant; a start time is not one.
    """

    SQL_TYPE = "TIME"
    field_type = time

    class _db_sqlite:
        SQL_TYPE = "VARCHAR(8)"

    def to_python_value(self, value: Any) -> time | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = time.fromisoformat(value)
        return value.replace(tzinfo=None)

    def to_db_value(self, value: Any, instance: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = time.fromisoformat(value)
        return value.replace(tzinfo=None)


# sqlite3 has no adapter for times of day: store them as ISO text (read back above).
sqlite3.register_adapter(time, time.isoformat)
