"""Connections go back to the pool without asyncpg's reset query, and still nothing of one
request reaches the next: an open, failed or cancelled transaction is rolled back, a LISTEN
is undone, and the pool the app uses is made of these connections."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from tortoise import connections

from app.pgconnection import PooledConnection, connection_options
from tests.conftest import POSTGRES_SERVER

pytestmark = pytest.mark.postgres_only


@pytest.fixture
async def pool(empty_db) -> AsyncIterator[asyncpg.Pool]:  # type: ignore[no-untyped-def]
    """One connection, so each acquire gets the connection the last one released."""
    database = empty_db.split("/")[-1].split("?")[0]
    pool = await asyncpg.create_pool(
        f"{POSTGRES_SERVER}/{database}", min_size=1, max_size=1, **connection_options()
    )
    async with pool.acquire() as connection:
        await connection.execute("CREATE TABLE IF NOT EXISTS reset_probe (n int)")
        await connection.execute("TRUNCATE reset_probe")
    yield pool
    async with pool.acquire() as connection:
        await connection.execute("DROP TABLE reset_probe")
    await pool.close()


async def _state(pool: asyncpg.Pool) -> tuple[str, int, list[str]]:
    async with pool.acquire() as connection:
        status = connection.is_in_transaction()
        rows = await connection.fetchval("SELECT count(*) FROM reset_probe")
        channels = await connection.fetchval("SELECT array_agg(c) FROM pg_listening_channels() c")
        return ("in transaction" if status else "idle", rows, channels or [])


async def test_the_app_pool_is_made_of_these_connections_and_sends_no_reset_query(empty_db):
    client = connections.get("default")
    async with client.acquire_connection() as connection:
        assert isinstance(connection, PooledConnection)
        await connection.fetchval("SELECT 1")
        assert connection.get_reset_query() == ""


async def test_a_transaction_left_open_is_rolled_back_on_release(pool):
    connection = await pool.acquire()
    await connection.execute("BEGIN")
    await connection.execute("INSERT INTO reset_probe VALUES (1)")
    # The request ends without commit or rollback (a crash, say).
    await pool.release(connection)

    assert await _state(pool) == ("idle", 0, [])


async def test_a_failed_transaction_does_not_poison_the_next_request(pool):
    async with pool.acquire() as connection:
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute("INSERT INTO reset_probe VALUES (1)")
        with pytest.raises(asyncpg.DivisionByZeroError):
            await connection.execute("SELECT 1 / 0")

    assert await _state(pool) == ("idle", 0, [])


async def test_a_request_cancelled_mid_statement_leaves_nothing_behind(pool):
    async def slow() -> None:
        async with pool.acquire() as connection, connection.transaction():
            await connection.execute("INSERT INTO reset_probe VALUES (1)")
            await connection.execute("SELECT pg_sleep(5)")

    task = asyncio.create_task(slow())
    await asyncio.sleep(0.5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert await _state(pool) == ("idle", 0, [])


# asyncpg warns of a listener left on a released connection; this test leaves one on purpose.
@pytest.mark.filterwarnings("ignore:.*active notification listener")
async def test_a_listen_is_undone_before_the_connection_is_reused(pool):
    heard: list[str] = []
    async with pool.acquire() as connection:
        await connection.add_listener("probe", lambda *args: heard.append(args[3]))
        assert await connection.fetchval("SELECT count(*) FROM pg_listening_channels()") == 1

    async with pool.acquire() as connection:
        await connection.execute("SELECT pg_notify('probe', 'after release')")
    await asyncio.sleep(0.2)

    assert await _state(pool) == ("idle", 0, [])
    assert heard == []
