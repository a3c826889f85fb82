"""Where the register's standards come from: the `StandardsSource` interface and the file.

The register keeps the standards itself; the file (`format.py`) is how an administrator
brings a batch of them in, e.g. an export from the register's editing tool.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

from integrations.report import RowRef, SourceUnreadableError
from integrations.rows import json_rows, read_json_object
from integrations.standards.format import JSON_KEYS, KINDS, StandardsBatch


class StandardsSource(Protocol):
    """A provider of awarding bodies and occupational standard versions."""

    @property
    def name(self) -> str:
        """What the source is, for messages."""
        ...

    async def read(self) -> StandardsBatch:
        """Read everything, checking each row.

        Raises:
            SourceUnreadableError: The source cannot be read at all.
        """
        ...


class StandardsFileSource:
    """A standards JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def name(self) -> str:
        """The file's name."""
        return self.path.name

    async def read(self) -> StandardsBatch:
        """Read and check the file.

        Raises:
            SourceUnreadableError: The file is missing or is not a standards JSON file.
        """
        return await asyncio.to_thread(self._read)

    def _read(self) -> StandardsBatch:
        path = self.path
        if path.suffix.lower() != ".json":
            raise SourceUnreadableError(f"{path.name}: a standards file is .json")
        data = read_json_object(path)
        unknown = sorted(set(data) - JSON_KEYS)
        if unknown:
            raise SourceUnreadableError(
                f"{path.name}: unknown keys {', '.join(unknown)}; expected {', '.join(KINDS)}"
            )
        lists = {kind: json_rows(path, data, kind) for kind in KINDS}
        batch = StandardsBatch()
        for kind, rows in lists.items():
            batch.add_rows(kind, ((RowRef(path.name, kind, n), v) for n, v in enumerate(rows, 1)))
        return batch
