"""What an import tells its caller: counts per kind of row, the rows it refused and why, and
the errors that may escape an import.

Shared by the EHIS and the standards imports. A reason never repeats the value it refused:
a column shifted by one can put a personal code into any field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

ProgressCallback = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)` while an import works through a stage."""


def no_progress(stage: str, done: int, total: int) -> None:
    """A progress callback that shows nothing."""


class IntegrationError(Exception):
    """The only kind of error an import lets escape; nothing was changed."""


class SourceUnreadableError(IntegrationError):
    """The source cannot be read at all (missing, not UTF-8, not JSON, columns missing)."""


class ImportAbortedError(IntegrationError):
    """The database refused the import part-way; the transaction was rolled back."""


@dataclass(frozen=True, slots=True)
class RowRef:
    """Where a row came from: the file, the kind of row, and its row number there.

    In a JSON file the number is the row's position in its list (1 is the first); in a CSV
    file it is the spreadsheet row (the header is row 1, the first data row is row 2).
    """

    source: str
    kind: str
    row: int


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why a row was refused: the row, the field at fault and a reason without its value."""

    at: RowRef
    field: str
    reason: str

    @property
    def row(self) -> int:
        """The row number (see `RowRef`)."""
        return self.at.row

    def __str__(self) -> str:
        return f"{self.at.source}: {self.at.kind} row {self.at.row}, {self.field}: {self.reason}"


@dataclass(slots=True)
class KindCounts:
    """What happened to the rows of one kind."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def tally(self, *, created: bool, changed: bool) -> None:
        """Count one accepted row: created, else updated if it changed, else unchanged."""
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


@dataclass
class ImportReport:
    """The outcome of one import: counts per kind (in import order), the refused rows' problems
    (several per row are possible), notes about data kept on purpose, and whether it was a
    dry run (everything rolled back)."""

    counts: dict[str, KindCounts]
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    _rejected: set[RowRef] = field(default_factory=set, repr=False)

    @classmethod
    def for_kinds(cls, kinds: Iterable[str], *, dry_run: bool = False) -> ImportReport:
        """An empty report with a zero count for each kind, in the order given."""
        return cls(counts={kind: KindCounts() for kind in kinds}, dry_run=dry_run)

    def reject(self, at: RowRef, field: str, reason: str) -> None:
        """Record a problem with a row; the row counts as rejected once, however many."""
        if at not in self._rejected:
            self._rejected.add(at)
            self.counts.setdefault(at.kind, KindCounts()).rejected += 1
        self.problems.append(RowProblem(at, field, reason))

    def add_problems(self, problems: Iterable[RowProblem]) -> None:
        """Record problems found while reading the source."""
        for problem in problems:
            self.reject(problem.at, problem.field, problem.reason)

    def problems_in_file_order(self) -> list[RowProblem]:
        """The problems by file, kind (in import order) and row; a row's own in found order."""
        kinds = {kind: n for n, kind in enumerate(self.counts)}
        return sorted(
            self.problems, key=lambda p: (p.at.source, kinds.get(p.at.kind, 99), p.at.row)
        )

    @property
    def rejected_rows(self) -> int:
        """Rows refused, of every kind."""
        return sum(c.rejected for c in self.counts.values())

    @property
    def changed_rows(self) -> int:
        """Rows created or updated, of every kind."""
        return sum(c.created + c.updated for c in self.counts.values())

    def summary(self) -> str:
        """One line per kind, e.g. `students: 3 created, 1 updated, 5 unchanged, 2 rejected`."""
        lines = [
            f"{kind}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged, "
            f"{c.rejected} rejected"
            for kind, c in self.counts.items()
        ]
        if self.dry_run:
            lines.append("dry run: nothing was saved")
        return "\n".join(lines)
