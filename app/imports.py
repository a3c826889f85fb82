"""`eksamihaldus ehis import` and `eksamihaldus standards import`: run an import with a
progress bar, print a summary and the first rejected rows, and say with the exit code how it
went: 0 all rows imported, 1 some rows rejected (the rest imported), 2 nothing changed (the
file could not be read, or the database refused the import)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from app import db
from app.settings import Settings
from integrations.report import (
    ImportAbortedError,
    ImportReport,
    ProgressCallback,
    SourceUnreadableError,
)

EXIT_OK, EXIT_REJECTED, EXIT_NOTHING_CHANGED = 0, 1, 2

Importer = Callable[[ProgressCallback], Awaitable[ImportReport]]


async def run_import(
    settings: Settings, title: str, importer: Importer, *, show_problems: int = 20
) -> int:
    """Connect (migrating first), run `importer` with a progress bar, report; the exit code."""
    out, err = Console(), Console(stderr=True)
    if settings.is_sqlite:
        db.ensure_sqlite_directory(settings.database_url)
    await db.start(settings.database_url)
    try:
        with Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress:
            report = await importer(_progress_callback(progress))
    except SourceUnreadableError as error:
        err.print(
            f"eksamihaldus: cannot read {error}; nothing was changed",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        return EXIT_NOTHING_CHANGED
    except ImportAbortedError as error:
        err.print(
            f"eksamihaldus: {title} failed: {error}", highlight=False, markup=False, soft_wrap=True
        )
        return EXIT_NOTHING_CHANGED
    finally:
        await db.close()
    print_report(out, title, report, show_problems=show_problems)
    return EXIT_REJECTED if report.rejected_rows else EXIT_OK


def _progress_callback(progress: Progress) -> ProgressCallback:
    tasks: dict[str, TaskID] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage.replace("_", " "), total=total)
        progress.update(tasks[stage], completed=done, total=total)

    return update


def print_report(console: Console, title: str, report: ImportReport, *, show_problems: int) -> None:
    """The counts as a table, then the first rejected rows (row, field, reason) and notes."""
    table = Table(title=f"{title}{' (dry run: nothing was saved)' if report.dry_run else ''}")
    table.add_column("rows")
    for column in ("created", "updated", "unchanged", "rejected"):
        table.add_column(column, justify="right")
    for kind, counts in report.counts.items():
        table.add_row(
            kind.replace("_", " "),
            str(counts.created),
            str(counts.updated),
            str(counts.unchanged),
            str(counts.rejected),
        )
    console.print(table)
    if report.problems:
        shown = report.problems_in_file_order()[:show_problems]
        console.print(
            f"Rejected rows: {report.rejected_rows} "
            f"(problems {len(shown)} of {len(report.problems)} shown)",
            highlight=False,
        )
        for problem in shown:
            console.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
    for note in report.notes:
        console.print(f"Note: {note}", highlight=False, markup=False, soft_wrap=True)


def ehis_importer(paths: list[Path], *, dry_run: bool) -> Importer:
    from integrations.ehis import EhisFileSource, import_ehis

    source = EhisFileSource(*paths)
    return lambda progress: import_ehis(source, progress=progress, dry_run=dry_run)


def standards_importer(path: Path, *, dry_run: bool) -> Importer:
    from integrations.standards import StandardsFileSource, import_standards

    source = StandardsFileSource(path)
    return lambda progress: import_standards(source, progress=progress, dry_run=dry_run)
