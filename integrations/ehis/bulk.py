"""People and students upserted set-based on PostgreSQL: the accepted rows are copied into a
staging table with binary COPY, then written by two `INSERT … SELECT … ON CONFLICT DO UPDATE`
statements that change only rows whose values differ and say which rows they created.

The rules are those of the row-by-row path the importer keeps for SQLite (`importer.py`): a
person is keyed by personal code and takes the first row's name; a student is keyed by
(person, curriculum); a student row without a standard keeps the stored one; nothing is
deleted; rows already checked by `format.py` and `importer.py` are the only ones written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from integrations.ehis.format import StandardRef, StudentRecord
from integrations.report import KindCounts

STAGING = "ehis_student_in"
# The student's own values, stored as the file gives them.
_STUDENT_VALUES = (
    "course",
    "funding_code",
    "special_needs",
    "language",
    "started_on",
    "ends_on",
    "studies_ended_on",
)
STAGING_COLUMNS = (
    "position",
    "personal_code",
    "first_name",
    "last_name",
    "curriculum_id",
    "standard_id",
    *_STUDENT_VALUES,
)
CREATE_STAGING = f"""
CREATE TEMPORARY TABLE {STAGING} (
    position integer NOT NULL,
    personal_code varchar(11) NOT NULL,
    first_name varchar(100) NOT NULL,
    last_name varchar(100) NOT NULL,
    curriculum_id integer NOT NULL,
    standard_id integer,
    course integer NOT NULL,
    funding_code varchar(1) NOT NULL,
    special_needs boolean NOT NULL,
    language varchar(2) NOT NULL,
    started_on date NOT NULL,
    ends_on date NOT NULL,
    studies_ended_on date
) ON COMMIT DROP
"""

# `xmax = 0` holds for a row this statement inserted, not for one it updated: how PostgreSQL
# tells an upsert's two outcomes apart in RETURNING.
UPSERT_PERSONS = f"""
WITH upserted AS (
    INSERT INTO person AS p (created_at, personal_code, first_name, last_name)
    SELECT now(), i.personal_code, i.first_name, i.last_name
    FROM (
        SELECT DISTINCT ON (personal_code) personal_code, first_name, last_name
        FROM {STAGING} ORDER BY personal_code, position
    ) AS i
    ON CONFLICT (personal_code) DO UPDATE
        SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name
        WHERE (p.first_name, p.last_name) IS DISTINCT FROM (EXCLUDED.first_name, EXCLUDED.last_name)
    RETURNING xmax = 0 AS created
)
SELECT count(*) FILTER (WHERE created) AS created,
       count(*) FILTER (WHERE NOT created) AS updated,
       (SELECT count(DISTINCT personal_code) FROM {STAGING}) AS total
FROM upserted
"""

_VALUES = ", ".join(_STUDENT_VALUES)
_STAGED = ", ".join(f"i.{c}" for c in _STUDENT_VALUES)
_SET = ", ".join(f"{c} = EXCLUDED.{c}" for c in _STUDENT_VALUES)
_STORED = ", ".join(f"s.{c}" for c in _STUDENT_VALUES)
_INCOMING = ", ".join(f"EXCLUDED.{c}" for c in _STUDENT_VALUES)
UPSERT_STUDENTS = f"""
WITH upserted AS (
    INSERT INTO student AS s (created_at, person_id, curriculum_id, standard_id, {_VALUES})
    SELECT now(), p.id, i.curriculum_id, i.standard_id, {_STAGED}
    FROM {STAGING} AS i JOIN person AS p ON p.personal_code = i.personal_code
    ON CONFLICT (person_id, curriculum_id) DO UPDATE
        SET standard_id = COALESCE(EXCLUDED.standard_id, s.standard_id), {_SET}
        WHERE (s.standard_id, {_STORED})
            IS DISTINCT FROM (COALESCE(EXCLUDED.standard_id, s.standard_id), {_INCOMING})
    RETURNING xmax = 0 AS created
)
SELECT count(*) FILTER (WHERE created) AS created,
       count(*) FILTER (WHERE NOT created) AS updated
FROM upserted
"""


@dataclass(frozen=True, slots=True)
class Written:
    """What one upsert did: rows created, rows updated, rows found unchanged."""

    created: int
    updated: int
    unchanged: int

    def add_to(self, counts: KindCounts) -> None:
        """Add these figures to a report's counts of one kind."""
        counts.created += self.created
        counts.updated += self.updated
        counts.unchanged += self.unchanged


def staging_rows(
    students: Sequence[StudentRecord],
    curriculum_ids: dict[str, int],
    standard_ids: dict[StandardRef, int],
) -> list[tuple[Any, ...]]:
    """The accepted student rows as the staging table's tuples (in STAGING_COLUMNS order).

    Args:
        students: Rows whose curriculum and standard are known (checked by the importer).
        curriculum_ids: Curriculum IDs by EHIS code.
        standard_ids: Standard IDs by (code, version).

    Returns:
        One tuple per row; `position` keeps the file's order, so the first row's name wins.
    """
    return [
        (
            position,
            s.personal_code,
            s.first_name,
            s.last_name,
            curriculum_ids[s.curriculum_code],
            standard_ids[s.standard] if s.standard is not None else None,
            s.course,
            s.funding_code.value,
            s.special_needs,
            s.language,
            s.started_on,
            s.ends_on,
            s.studies_ended_on,
        )
        for position, s in enumerate(students)
    ]


async def stage(connection: BaseDBAsyncClient, rows: list[tuple[Any, ...]]) -> None:
    """Create the staging table (dropped at commit or rollback) and COPY `rows` into it.

    Args:
        connection: The import's transaction on PostgreSQL.
        rows: Tuples from `staging_rows`.
    """
    async with connection.acquire_connection() as raw:
        await raw.execute(CREATE_STAGING)
        await raw.copy_records_to_table(STAGING, records=rows, columns=STAGING_COLUMNS)
        await raw.execute(f"ANALYZE {STAGING}")


async def upsert_persons(connection: BaseDBAsyncClient) -> Written:
    """People by personal code from the staged rows; a changed name is updated.

    Args:
        connection: The transaction that staged the rows.

    Returns:
        People created, updated and unchanged.
    """
    row = await _one(connection, UPSERT_PERSONS)
    return Written(row["created"], row["updated"], row["total"] - row["created"] - row["updated"])


async def upsert_students(connection: BaseDBAsyncClient, total: int) -> Written:
    """Students by (person, curriculum) from the staged rows, after `upsert_persons`.

    Args:
        connection: The transaction that staged the rows.
        total: How many rows were staged.

    Returns:
        Students created, updated and unchanged.
    """
    row = await _one(connection, UPSERT_STUDENTS)
    return Written(row["created"], row["updated"], total - row["created"] - row["updated"])


async def _one(connection: BaseDBAsyncClient, sql: str) -> dict[str, int]:
    async with connection.acquire_connection() as raw:
        record = await raw.fetchrow(sql)
    return {key: int(value) for key, value in dict(record).items()}
