"""Where EHIS data comes from: the `EhisSource` interface and its file implementation.

The real source would be EHIS's X-tee service, which cannot be reached from here; the files
this module reads are what a scheduled export from it delivers (`format.py`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

from integrations.ehis.format import JSON_KEYS, KINDS, REQUIRED_COLUMNS, EhisBatch
from integrations.report import RowRef, SourceUnreadableError
from integrations.rows import collector_paused, json_rows, read_csv_rows, read_json_object


class EhisSource(Protocol):
    """A provider of EHIS schools, curricula and students."""

    @property
    def name(self) -> str:
        """What the source is, for messages (never holds personal data)."""
        ...

    async def read(self) -> EhisBatch:
        """Read everything, checking each row.

        Raises:
            SourceUnreadableError: The source cannot be read at all.
        """
        ...


class EhisFileSource:
    """EHIS export files: one JSON file, or CSV files of one kind each, read together."""

    def __init__(self, *paths: Path) -> None:
        if not paths:
            raise ValueError("EhisFileSource needs at least one file")
        self.paths = paths

    @property
    def name(self) -> str:
        """The files' names."""
        return ", ".join(path.name for path in self.paths)

    async def read(self) -> EhisBatch:
        """Read and check every file; rows are checked, duplicates across files refused.

        Raises:
            SourceUnreadableError: A file is missing, malformed or of an unknown kind.
        """
        return await asyncio.to_thread(self._read)

    def _read(self) -> EhisBatch:
        batch = EhisBatch()
        with collector_paused():
            for path in self.paths:
                if path.suffix.lower() == ".json":
                    _add_json(batch, path)
                elif path.suffix.lower() == ".csv":
                    kind = csv_kind(path)
                    rows = read_csv_rows(path, REQUIRED_COLUMNS[kind])
                    batch.add_rows(kind, ((RowRef(path.name, kind, n), v) for n, v in rows))
                else:
                    raise SourceUnreadableError(f"{path.name}: an EHIS file is .json or .csv")
            batch.drop_duplicates()
        return batch


def _add_json(batch: EhisBatch, path: Path) -> None:
    data = read_json_object(path)
    unknown = sorted(set(data) - JSON_KEYS)
    if unknown:
        raise SourceUnreadableError(
            f"{path.name}: unknown keys {', '.join(unknown)}; expected {', '.join(KINDS)}"
        )
    lists = {kind: json_rows(path, data, kind) for kind in KINDS}
    for kind, rows in lists.items():
        batch.add_rows(kind, ((RowRef(path.name, kind, n), v) for n, v in enumerate(rows, 1)))


def csv_kind(path: Path) -> str:
    """The kind of rows in a CSV file, from its name: `2024-09_students.csv` holds students.

    Raises:
        SourceUnreadableError: The name ends in none of the kinds.
    """
    stem = path.stem.lower()
    for kind in KINDS:
        if stem.endswith(kind):
            return kind
    raise SourceUnreadableError(
        f"{path.name}: name a CSV file *schools.csv, *curricula.csv or *students.csv"
    )
