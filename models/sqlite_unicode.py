"""The SQLite engine with Unicode case mapping, so searches behave as on PostgreSQL.

SQLite's built-in ``UPPER`` and ``LOWER`` map ASCII letters only, and Tortoise spells
``icontains`` as ``UPPER(column) LIKE UPPER(?)``: "õismäe" would not find "Õismäe Ärikool".
This engine gives every connection Python's ``str.upper`` and ``str.lower`` under the same
names. ``app.settings.tortoise_config`` names it for ``sqlite://`` URLs.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.sqlite.client import SqliteClient


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


class UnicodeSqliteClient(SqliteClient):
    """A SQLite client whose UPPER and LOWER know every letter, Estonian ones included."""

    async def create_connection(self, with_db: bool) -> None:
        await super().create_connection(with_db)
        if self._connection is not None:
            for name, function in (("upper", _upper), ("lower", _lower)):
                await self._connection.create_function(name, 1, function, deterministic=True)


client_class = UnicodeSqliteClient


def get_client_class(db_info: dict[str, Any]) -> type[SqliteClient]:
    return UnicodeSqliteClient
