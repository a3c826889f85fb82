"""People and students upserted set-based on PostgreSQL (integrations/ehis/bulk.py): the same
rows, counts and refusals as the row-by-row path that SQLite keeps."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from integrations.ehis import bulk, import_ehis
from integrations.report import ImportReport
from integrations.standards import import_standards
from models.personal_code import make_personal_code
from models.student import Student
from tests.conftest import _empty_all_tables
from tests.integrations.helpers import EHIS_EXAMPLE, STANDARDS_EXAMPLE, example, write_json

# (curriculum, the standard its students study under) of integrations/ehis/example.json
CURRICULA = [("201845", "10712015", 6), ("163137", "10696544", 5), ("224810", "10733612", 7)]


def counts(report: ImportReport) -> dict[str, tuple[int, int, int, int]]:
    return {
        kind: (c.created, c.updated, c.unchanged, c.rejected) for kind, c in report.counts.items()
    }


def refused(report: ImportReport) -> list[tuple[str, int, str, str]]:
    return sorted((p.at.kind, p.row, p.field, p.reason) for p in report.problems)


def student(n: int, curriculum: int = 0, **changes: Any) -> dict[str, Any]:
    code, standard, version = CURRICULA[curriculum % len(CURRICULA)]
    row = {
        "personal_code": make_personal_code(date(2005, 1, 1 + n % 28), n, female=n % 2 == 1),
        "first_name": f"Õpilane{n}",
        "last_name": "Mägi" if n % 3 else "Šmidt",
        "curriculum_code": code,
        "course": 1 + n % 3,
        "funding_code": "RZMT"[n % 4],
        "special_needs": n % 7 == 0,
        "language": "ru" if n % 5 == 0 else "et",
        "started_on": "2024-09-01",
        "ends_on": "2027-06-20",
    }
    if n % 2 == 0:
        row |= {"standard_code": standard, "standard_version": version}
    return row | changes


def files(folder: Path) -> tuple[Path, Path]:
    """A first export and a newer one that changes, adds, drops a standard and refuses."""
    first = example(EHIS_EXAMPLE)
    first["students"] = [student(n, n) for n in range(60)]
    # Someone on two curricula: the first row's name is the person's.
    first["students"].append(student(1, 2, first_name="Teine", last_name="Nimi"))
    first["students"].append(student(900, 0, personal_code="5000011511"))  # invalid code
    first["students"].append(student(901, 0, curriculum_code="777777"))  # unknown curriculum
    newer = example(EHIS_EXAMPLE)
    rows = [student(n, n) for n in range(60)]
    for n in range(0, 60, 5):
        rows[n]["course"] = rows[n]["course"] % 3 + 1  # moved on
    for n in range(1, 60, 9):
        rows[n]["last_name"] = "Kask-Tamm"  # a new name
    for n in range(0, 60, 8):
        rows[n].pop("standard_code")  # the file no longer says: the stored one stays
        rows[n].pop("standard_version")
    rows[2] |= {"standard_code": "10712015", "standard_version": 6, "curriculum_code": "201845"}
    rows.append(student(1, 2, first_name="Kolmas"))  # not the first row: its name is ignored
    rows += [student(n, n) for n in range(60, 75)]  # newcomers
    rows.append(student(902, 0, funding_code="Q"))  # refused by the file check
    newer["students"] = rows
    return write_json(folder, "ehis.json", first), write_json(folder, "newer.json", newer)


async def stored() -> list[tuple[Any, ...]]:
    """People and students by their natural keys (IDs differ between two databases)."""
    rows = await Student.all().values_list(
        "person__personal_code",
        "person__first_name",
        "person__last_name",
        "curriculum__ehis_code",
        "standard__code",
        "standard__version",
        "course",
        "funding_code",
        "special_needs",
        "language",
        "started_on",
        "ends_on",
        "studies_ended_on",
    )
    return sorted(tuple(row) for row in rows)


async def import_both(folder: Path) -> list[Any]:
    first, newer = files(folder)
    outcome = []
    for path in (first, newer, newer):
        report = await import_ehis(path)
        outcome.append((counts(report), refused(report), await stored()))
    return outcome


@pytest.fixture
async def standards(empty_db):  # type: ignore[no-untyped-def]
    await import_standards(STANDARDS_EXAMPLE)


@pytest.mark.postgres_only
async def test_set_based_and_row_by_row_imports_leave_the_same_rows_and_reports(
    standards, tmp_path, monkeypatch
):
    staged = []
    real_stage = bulk.stage

    async def stage(connection, rows):  # type: ignore[no-untyped-def]
        staged.append(len(rows))
        await real_stage(connection, rows)

    monkeypatch.setattr(bulk, "stage", stage)
    set_based = await import_both(tmp_path)
    await _empty_all_tables()
    await import_standards(STANDARDS_EXAMPLE)
    monkeypatch.setattr("integrations.ehis.importer.SET_BASED_DIALECTS", frozenset())
    row_by_row = await import_both(tmp_path)

    assert staged == [61, 76, 76]  # PostgreSQL took the set-based path, every time
    assert set_based == row_by_row
    first, newer, again = set_based
    assert first[0]["persons"] == (60, 0, 0, 0)
    assert first[0]["students"] == (61, 0, 0, 2)  # an invalid code, an unknown curriculum
    assert newer[0]["persons"] == (15, 7, 53, 0)
    assert newer[0]["students"] == (16, 12, 48, 1)
    assert again[0]["persons"] == (0, 0, 75, 0)  # importing the same file changes nothing
    assert again[0]["students"] == (0, 0, 76, 1)


async def test_a_reimport_keeps_a_stored_standard_and_the_first_rows_name(standards, tmp_path):
    first, newer = files(tmp_path)
    await import_ehis(first)

    report = await import_ehis(newer)

    rows = {(r[0], r[3]): r for r in await stored()}
    dropped = student(40, 40)  # moved on, and its standard is absent from the newer file
    assert rows[(dropped["personal_code"], dropped["curriculum_code"])][4:7] == (
        *CURRICULA[1][1:],
        dropped["course"] % 3 + 1,
    )
    twice = student(1, 1)
    assert {r[1] for k, r in rows.items() if k[0] == twice["personal_code"]} == {"Õpilane1"}
    assert counts(report)["students"] == (16, 12, 48, 1)
    assert refused(report) == [("students", 77, "funding_code", "must be one of R, Z, M, T")]


async def test_the_database_refusing_a_staged_row_leaves_every_row_as_it_was(
    standards, tmp_path, monkeypatch
):
    first, _ = files(tmp_path)
    await import_ehis(first)
    before = await stored()
    data = example(EHIS_EXAMPLE)
    data["students"] = [student(n, n, course=2) for n in range(60)] + [student(99, 0, course=11)]
    monkeypatch.setattr("integrations.ehis.format.MAX_COURSE", 99)  # past the file check

    from integrations.report import ImportAbortedError

    with pytest.raises(ImportAbortedError, match="nothing was changed"):
        await import_ehis(write_json(tmp_path, "bad.json", data))

    assert await stored() == before
