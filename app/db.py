"""Database start-up: connect, apply migrations, close."""

from __future__ import annotations

from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate

from app.settings import tortoise_config


async def apply_migrations(database_url: str) -> None:
    """Bring the database to the latest migration (idempotent)."""
    await migrate(config=tortoise_config(database_url))
    await Tortoise.close_connections()


async def connect(database_url: str) -> None:
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def start(database_url: str, *, create_database: bool = False) -> None:
    """Migrate and connect: what the server, the CLI and the tests all do first."""
    if create_database:
        await Tortoise.init(
            config=tortoise_config(database_url), _create_db=True, _enable_global_fallback=True
        )
        await Tortoise.close_connections()
    await apply_migrations(database_url)
    await connect(database_url)


async def close() -> None:
    await Tortoise.close_connections()


def ensure_sqlite_directory(database_url: str) -> None:
    """SQLite creates the file but not its folder."""
    from pathlib import Path

    path = database_url.removeprefix("sqlite://")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def empty_all_tables() -> None:
    """Delete every row of every table (the demo reset and the tests); the schema stays."""
    connection = connections.get("default")
    tables = [model._meta.db_table for model in Tortoise.apps["models"].values()]
    if connection.capabilities.dialect == "postgres":
        await connection.execute_script(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )
    else:
        script = "PRAGMA foreign_keys = OFF;\n"
        script += "".join(f'DELETE FROM "{t}";\n' for t in tables)
        script += "DELETE FROM sqlite_sequence;\nPRAGMA foreign_keys = ON;"
        await connection.execute_script(script)
