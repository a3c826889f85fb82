"""Database helpers the imports share: one transaction per import (rolled back on a dry run
or any failure), lookups in chunks, and updates grouped by the fields that changed."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar

from asyncpg import PostgresError
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import BaseORMException
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from integrations.report import ImportAbortedError, ImportReport

CHUNK = 1000  # values per IN (...) and rows per INSERT: well inside both databases' limits
IMPORT_LOCK = 0x45484953  # "EHIS": one import at a time on PostgreSQL

M = TypeVar("M", bound=Model)
B = TypeVar("B")
log = logging.getLogger("eksamihaldus.imports")
T = TypeVar("T")


class _RollBack(Exception):
    """Raised at the end of a dry run so that the transaction is rolled back."""


@asynccontextmanager
async def import_transaction(*, dry_run: bool) -> AsyncIterator[BaseDBAsyncClient]:
    """One transaction for a whole import; imports on PostgreSQL wait for each other.

    A dry run is rolled back at the end. A database error rolls everything back.

    Raises:
        ImportAbortedError: The database refused a statement, through the ORM or a raw
            asyncpg call (its text may hold personal data, so only its type is named; the
            original is chained as `__cause__`).
    """
    try:
        async with in_transaction() as connection:
            if connection.capabilities.dialect == "postgres":
                await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [IMPORT_LOCK])
            yield connection
            if dry_run:
                raise _RollBack
    except _RollBack:
        return
    except (BaseORMException, PostgresError) as error:
        raise ImportAbortedError(
            f"the database refused the import ({type(error).__name__}); nothing was changed"
        ) from error


def chunked(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of `values`, each at most `size` long."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


async def fetch_in(
    queryset: QuerySet[M], field: str, values: Iterable[Any], connection: BaseDBAsyncClient
) -> list[M]:
    """The rows of `queryset` whose `field` is one of `values`, asked in chunks."""
    wanted = sorted(set(values))
    found: list[M] = []
    for chunk in chunked(wanted):
        found += await queryset.filter(**{f"{field}__in": chunk}).using_db(connection)
    return found


async def values_in(
    queryset: QuerySet[Any],
    field: str,
    values: Iterable[Any],
    columns: Sequence[str],
    connection: BaseDBAsyncClient,
) -> list[tuple[Any, ...]]:
    """`values_list(*columns)` of the rows whose `field` is one of `values`, in chunks."""
    wanted = sorted(set(values))
    found: list[tuple[Any, ...]] = []
    for chunk in chunked(wanted):
        rows = (
            await queryset.filter(**{f"{field}__in": chunk})
            .using_db(connection)
            .values_list(*columns)
        )
        found += [tuple(row) for row in rows]
    return found


def assign(row: Model, values: dict[str, Any]) -> frozenset[str]:
    """Set the fields of `row` that differ from `values`; the names of those that did."""
    changed = frozenset(name for name, value in values.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, values[name])
    return changed


class Changes:
    """New rows to insert and changed rows to update, flushed in batches."""

    def __init__(self, model: type[Model], connection: BaseDBAsyncClient) -> None:
        self.model, self.connection = model, connection
        self.new: list[Model] = []
        self.updated: dict[frozenset[str], list[Model]] = {}

    def create(self, row: Model) -> None:
        """Insert `row` at the next flush."""
        self.new.append(row)

    def update(self, row: Model, fields: frozenset[str]) -> None:
        """Write `fields` of `row` at the next flush (nothing when none changed)."""
        if fields:
            self.updated.setdefault(fields, []).append(row)

    async def flush(self) -> None:
        """Insert the new rows and update the changed ones, in batches."""
        if self.new:
            await self.model.bulk_create(self.new, batch_size=CHUNK, using_db=self.connection)
        for fields, rows in self.updated.items():
            # bulk_update sends one CASE per field: keep a batch's parameters modest.
            await self.model.bulk_update(
                rows, sorted(fields), batch_size=200, using_db=self.connection
            )
        self.new, self.updated = [], {}


async def sync_links(
    model: type[Model],
    owner: str,
    target: str,
    wanted: dict[int, set[int]],
    connection: BaseDBAsyncClient,
) -> set[int]:
    """Make the link rows (`owner` → `target`) of each owner in `wanted` exactly those listed.

    Args:
        model: The link table, e.g. `CurriculumStandard`.
        owner: Its column naming the owner, e.g. `curriculum_id`.
        target: Its column naming what is linked, e.g. `standard_id`.
        wanted: For each owner, the targets it should link to (other owners are untouched).
        connection: The import's transaction.

    Returns:
        The owners whose links changed.
    """
    linked: dict[int, dict[int, int]] = {}
    columns = ("id", owner, target)
    for link_id, owner_id, target_id in await values_in(
        model.all(), owner, wanted, columns, connection
    ):
        linked.setdefault(owner_id, {})[target_id] = link_id
    new: list[Model] = []
    gone: list[int] = []
    changed: set[int] = set()
    for owner_id, want in wanted.items():
        have = linked.get(owner_id, {})
        new += [model(**{owner: owner_id, target: t}) for t in sorted(want - have.keys())]
        gone += [have[t] for t in have.keys() - want]
        if want != have.keys():
            changed.add(owner_id)
    if new:
        await model.bulk_create(new, batch_size=CHUNK, using_db=connection)
    for chunk in chunked(gone):
        await model.filter(id__in=chunk).using_db(connection).delete()
    return changed


class ImportRun(Protocol):
    async def run(self) -> None: ...


async def run_import(
    label: str,
    source_name: str,
    read: Callable[[], Awaitable[B]],
    kinds: Sequence[str],
    *,
    dry_run: bool,
    start: Callable[[BaseDBAsyncClient, B, ImportReport], ImportRun],
) -> ImportReport:
    """Read the source, then apply it in one transaction and log the summary: the steps every
    import shares. `start` builds the import that writes one batch through the connection.

    Raises:
        SourceUnreadableError: The source cannot be read at all; nothing was changed.
        ImportAbortedError: The database refused the import; nothing was changed.
    """
    batch = await read()
    report = ImportReport.for_kinds(kinds, dry_run=dry_run)
    report.add_problems(batch.problems)  # type: ignore[attr-defined]
    async with import_transaction(dry_run=dry_run) as connection:
        await start(connection, batch, report).run()
    log.info(
        "%s import from %s%s: %s",
        label,
        source_name,
        " (dry run)" if dry_run else "",
        report.summary().replace("\n", "; "),
    )
    return report
