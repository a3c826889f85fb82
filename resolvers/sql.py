"""Hand-written SELECTs for the loaders that carry the most rows.

Tortoise builds each query anew (pypika) and converts every cell; for a loader that fetches
a page's 200 participants that was half the cost of the request's database work. These
statements are written once; `{keys}` becomes `= ANY($1)` on PostgreSQL and `IN (?, ...)` on
SQLite, where the few columns SQLite returns untyped are converted by the model's own field.
Only loaders whose rows are already within the viewer's scope use this: scoped queries stay
with the ORM and models/access.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tortoise import connections
from tortoise.models import Model


class KeyedSelect:
    def __init__(self, sql: str, *, sqlite_types: dict[str, tuple[type[Model], str]]) -> None:
        self.sql = sql
        self.sqlite_types = sqlite_types
        self._converters: dict[str, Callable[[Any], Any]] | None = None

    def _convert(self) -> dict[str, Callable[[Any], Any]]:
        if self._converters is None:
            self._converters = {
                column: model._meta.fields_map[field].to_python_value
                for column, (model, field) in self.sqlite_types.items()
            }
        return self._converters

    async def fetch(self, keys: Sequence[int]) -> list[dict[str, Any]]:
        connection = connections.get("default")
        if connection.capabilities.dialect == "postgres":
            statement = self.sql.format(keys="= ANY($1::int[])")
            return await connection.execute_query_dict(statement, [list(keys)])
        statement = self.sql.format(keys=f"IN ({', '.join('?' * len(keys))})")
        rows = await connection.execute_query_dict(statement, list(keys))
        converters = self._convert()
        for row in rows:
            for column, convert in converters.items():
                row[column] = convert(row[column])
        return rows
