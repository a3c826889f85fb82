"""The current day and time as Estonia sees them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

ESTONIA = ZoneInfo("Europe/Tallinn")


def today(at: datetime | None = None) -> date:
    """The date in Estonia now (or at the moment ``at``), whatever the server's time zone:
    at 23:30 UTC on 30 November it is already 1 December in Tallinn."""
    return (at or datetime.now(UTC)).astimezone(ESTONIA).date()


def now() -> datetime:
    return datetime.now(UTC)
