"""The current day and time as Estonia sees them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

ESTONIA = ZoneInfo("Europe/Tallinn")


def today() -> date:
    return datetime.now(ESTONIA).date()


def now() -> datetime:
    return datetime.now(UTC)
