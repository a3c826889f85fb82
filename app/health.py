"""Liveness and readiness for load balancers and orchestrators.

`/health` answers 200 when the database answers (the promise of API.md). `/ready` also
requires that every migration this code ships has been applied, so a replica started before
`eksamihaldus migrate` has run takes no traffic. Migrations the code does not know (a newer
release migrated already, during a rolling update) do not make it unready: migrations are
written to keep the previous release working.
"""

from __future__ import annotations

import asyncio
import logging
import pkgutil
from functools import cache

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise import connections

log = logging.getLogger("eksamihaldus")

MIGRATIONS_PACKAGE = "models.migrations"
MIGRATIONS_APP = "models"
MIGRATIONS_TABLE = "tortoise_migrations"
DATABASE_TIMEOUT_SECONDS = 3.0


@cache
def migrations_on_disk() -> frozenset[str]:
    """The names of the migrations this code ships (Tortoise's own rule for what counts)."""
    import models.migrations as package

    return frozenset(
        name
        for _, name, is_package in pkgutil.iter_modules(package.__path__)
        if not is_package and name[0] not in "_~"
    )


async def _applied_migrations() -> set[str]:
    _, rows = await connections.get("default").execute_query(
        f"SELECT name FROM {MIGRATIONS_TABLE} WHERE app = '{MIGRATIONS_APP}'"
    )
    return {row["name"] for row in rows}


def _unavailable(reason: str, **details: object) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "reason": reason, **details}, status_code=503)


async def _database_answers(check: str) -> bool:
    try:
        await asyncio.wait_for(
            connections.get("default").execute_query("SELECT 1"), DATABASE_TIMEOUT_SECONDS
        )
    except Exception as error:  # noqa: BLE001 - any failure means the database is not there
        log.warning("%s check: the database does not answer (%s)", check, type(error).__name__)
        return False
    return True


async def health(request: Request) -> Response:
    if not await _database_answers("health"):
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


async def ready(request: Request) -> Response:
    try:
        applied = await asyncio.wait_for(_applied_migrations(), DATABASE_TIMEOUT_SECONDS)
    except Exception:  # noqa: BLE001 - no migrations table at all counts as none applied
        if await _database_answers("readiness"):
            return _unavailable("migrations pending", pending=sorted(migrations_on_disk()))
        return _unavailable("database unreachable")
    pending = sorted(migrations_on_disk() - applied)
    if pending:
        return _unavailable("migrations pending", pending=pending)
    return JSONResponse({"status": "ready"})
