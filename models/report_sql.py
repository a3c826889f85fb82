"""Building the reports' aggregate SQL for both databases: placeholders, row scopes, and the
few expressions whose spelling differs between PostgreSQL and SQLite.

Reports aggregate in the database (GROUP BY) and return one row per group, never one per
participant, so they stay fast on the whole register.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from models.access import ReportScope
from models.enums import FundingCode

STATE_FUNDED_CODES = tuple(code.value for code in FundingCode if code.state_funded)
OTHER_FUNDING_CODES = tuple(code.value for code in FundingCode if not code.state_funded)


def in_list(column: str, values: Iterable[str]) -> str:
    """`column IN (...)` over fixed enum values (never user input)."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Statement:
    """Collects parameters in the order their placeholders appear in the text."""

    def __init__(self, connection: BaseDBAsyncClient | None = None) -> None:
        self.connection = connection or connections.get("default")
        self.postgres = self.connection.capabilities.dialect == "postgres"
        self.params: list[Any] = []

    def param(self, value: Any) -> str:
        if not self.postgres and isinstance(value, date):
            value = value.isoformat()  # SQLite keeps dates as ISO text
        self.params.append(value)
        if self.postgres:
            cast = "::date" if isinstance(value, date) else ""
            return f"${len(self.params)}{cast}"
        return "?"

    def scope(self, scope: ReportScope, exam: str = "e") -> str:
        """The WHERE terms of a report scope on the exam table aliased `exam`."""
        terms = ["1 = 1"]
        if scope.school_id is not None:
            terms.append(f"{exam}.school_id = {self.param(scope.school_id)}")
        if scope.awarding_body_id is not None:
            terms.append(f"{exam}.awarding_body_id = {self.param(scope.awarding_body_id)}")
        if scope.sent_only:
            terms.append(f"{exam}.submitted_at IS NOT NULL")
        return " AND ".join(terms)

    def year(self, expression: str) -> str:
        if self.postgres:
            return f"CAST(EXTRACT(YEAR FROM {expression}) AS INTEGER)"
        return f"CAST(strftime('%Y', {expression}) AS INTEGER)"

    def seconds_between(self, start: str, end: str) -> str:
        """Whole seconds from one timestamp to another."""
        if self.postgres:
            return f"CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start}))) AS BIGINT)"
        return f"CAST(ROUND((julianday({end}) - julianday({start})) * 86400) AS INTEGER)"

    def days_from_date_to_timestamp(self, day: str, timestamp: str) -> str:
        """Whole days from a date to the (UTC) date of a timestamp."""
        if self.postgres:
            return f"(CAST(({timestamp} AT TIME ZONE 'UTC') AS DATE) - {day})"
        return f"CAST(julianday(date({timestamp})) - julianday({day}) AS INTEGER)"

    async def fetch(self, sql: str) -> list[dict[str, Any]]:
        return await self.connection.execute_query_dict(sql, self.params)


def as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def ratio_tenths(part: int, whole: int) -> int:
    """part / whole × 10, rounded half up, in integers (no floating point on the way)."""
    return (2 * 10 * part + whole) // (2 * whole)


def percent(part: int, whole: int) -> float | None:
    """A percentage with one decimal, rounded half up (2 of 3 → 66.7, 1 of 16 → 6.3);
    None when there is nothing to divide by."""
    if whole == 0:
        return None
    return ratio_tenths(100 * part, whole) / 10


def average(total: int, count: int, unit: int = 1) -> float | None:
    """total / count / unit with one decimal, rounded half up; None for no measurements."""
    if count == 0:
        return None
    return ratio_tenths(total, count * unit) / 10
