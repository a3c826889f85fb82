"""The benchmark database: drop and create it, and settle it after the bulk inserts."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise, connections


def _remove_sqlite_file(url: str) -> None:
    path = url.removeprefix("sqlite://")
    if path and path != ":memory:":
        Path(path).unlink(missing_ok=True)
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def recreate_database(url: str) -> None:
    """Drop and create the database named in a PostgreSQL URL, or delete a SQLite file."""
    if url.startswith("sqlite"):
        _remove_sqlite_file(url)
        return
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing odd database name {name!r}")
    admin_url = urlunsplit(("postgres", parts.netloc, "/postgres", "", ""))
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def settle() -> None:
    """After bulk inserts with explicit ids (PostgreSQL): sequences past them, then
    VACUUM ANALYZE (hint bits, visibility map, statistics) so runs start in steady state."""
    conn = connections.get("default")
    for model in Tortoise.apps["models"].values():
        table = model._meta.db_table
        await conn.execute_script(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)'
        )
    await conn.execute_script("VACUUM ANALYZE")


async def drop_database(url: str) -> None:
    """Drop the database named in a PostgreSQL URL, or delete a SQLite file."""
    if url.startswith("sqlite"):
        _remove_sqlite_file(url)
        return
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing odd database name {name!r}")
    admin = await asyncpg.connect(urlunsplit(("postgres", parts.netloc, "/postgres", "", "")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
