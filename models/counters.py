"""Gapless numbering: commission protocol numbers and certificate register numbers.

A number is taken by an UPDATE of one counter row inside the caller's transaction. The row
stays locked until that transaction ends, so concurrent takers wait in turn; if the
transaction rolls back, so does the number, and no gap appears. On SQLite the single
connection serialises writers anyway.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from models.clock import now

CERTIFICATES = "certificate"


def _placeholders(connection: BaseDBAsyncClient, count: int) -> list[str]:
    if connection.capabilities.dialect == "postgres":
        return [f"${i}" for i in range(1, count + 1)]
    return ["?"] * count


async def _increment(
    connection: BaseDBAsyncClient, insert: str, update: str, values: list[object], by: int
) -> int:
    """Create the counter row if missing (a concurrent creator is not an error), then
    add `by` and return the new last value."""
    await connection.execute_query(insert, [*values, now()])
    rows = await connection.execute_query_dict(update, [by, *values])
    return int(next(iter(rows[0].values())))


async def next_protocol_number(
    connection: BaseDBAsyncClient, awarding_body_id: int, year: int
) -> int:
    """The next commission protocol number of an awarding body in a year, from 1."""
    p = _placeholders(connection, 3)
    insert = (
        "INSERT INTO protocol_number_sequence (awarding_body_id, year, last_number, created_at) "
        f"VALUES ({p[0]}, {p[1]}, 0, {p[2]}) ON CONFLICT (awarding_body_id, year) DO NOTHING"
    )
    update = (
        f"UPDATE protocol_number_sequence SET last_number = last_number + {p[0]} "
        f"WHERE awarding_body_id = {p[1]} AND year = {p[2]} RETURNING last_number"
    )
    return await _increment(connection, insert, update, [awarding_body_id, year], 1)


async def take_register_numbers(
    connection: BaseDBAsyncClient, register: str, count: int, *, floor: int = 0
) -> range:
    """`count` consecutive numbers of a register. A new register starts after `floor`."""
    if count == 0:
        return range(0)
    p = _placeholders(connection, 3)
    insert = (
        "INSERT INTO register_counter (name, last_value, created_at) "
        f"VALUES ({p[0]}, {floor}, {p[1]}) ON CONFLICT (name) DO NOTHING"
    )
    update = (
        f"UPDATE register_counter SET last_value = last_value + {p[0]} "
        f"WHERE name = {p[1]} RETURNING last_value"
    )
    last = await _increment(connection, insert, update, [register], count)
    return range(last - count + 1, last + 1)
