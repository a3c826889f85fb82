"""PostgreSQL connections released to the pool without asyncpg's reset query.

asyncpg sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` every time a
connection goes back to its pool: one more round trip after every statement of a request.
What that query clears is created here only by LISTEN (`add_listener`); session settings,
session advisory locks and cursors held across transactions are never used (transaction
locks and `SET LOCAL` end with their transaction). So the query is sent only after a
LISTEN. An open or failed transaction is still rolled back on release by asyncpg itself
(a request aborted mid-transaction leaves nothing behind): tests/app/test_pgconnection.py.
"""

from __future__ import annotations

from typing import Any

import asyncpg

# asyncpg prepares and keeps statements up to this size (compiled read statements are
# larger than its default 15 KiB); at most `STATEMENT_CACHE_SIZE` per connection.
MAX_CACHEABLE_STATEMENT_SIZE = 256 * 1024
STATEMENT_CACHE_SIZE = 256


class PooledConnection(asyncpg.Connection):  # type: ignore[misc]
    _session_state = False

    async def add_listener(self, channel: str, callback: Any) -> None:
        self._session_state = True
        await super().add_listener(channel, callback)

    def get_reset_query(self) -> str:
        if self._session_state:
            self._session_state = False
            return str(super().get_reset_query())
        return ""


def connection_options() -> dict[str, Any]:
    """What Tortoise passes on to asyncpg's pool for every PostgreSQL connection."""
    return {
        "connection_class": PooledConnection,
        "max_cacheable_statement_size": MAX_CACHEABLE_STATEMENT_SIZE,
        "statement_cache_size": STATEMENT_CACHE_SIZE,
    }
