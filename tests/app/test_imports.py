"""`eksamihaldus ehis import` and `eksamihaldus standards import`, run as a user (or cron)
would run them: exit 0 all imported, 1 rows rejected, 2 nothing changed."""

from __future__ import annotations

import asyncio
import os
import sys

from models.standard import Standard
from models.student import Student
from tests.integrations.helpers import (
    EHIS_EXAMPLE,
    EHIS_EXAMPLE_STUDENTS,
    STANDARDS_EXAMPLE,
    example,
    personal_codes_in,
    snapshot,
    write_json,
)


async def _run(database_url: str, *args: str) -> tuple[int, str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "COLUMNS": "120"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_the_examples_import_with_exit_0_and_a_summary(empty_db):
    code, out, _ = await _run(empty_db, "standards", "import", str(STANDARDS_EXAMPLE))
    assert code == 0
    assert "awarding bodies │       4 │" in out

    code, out, _ = await _run(
        empty_db, "ehis", "import", str(EHIS_EXAMPLE), str(EHIS_EXAMPLE_STUDENTS)
    )

    assert code == 0
    assert "students  │      11 │       0 │         0 │        0 │" in out
    assert "Rejected" not in out
    assert await Student.all().count() == 11


async def test_rejected_rows_are_listed_and_exit_1_without_personal_codes(empty_db, tmp_path):
    await _run(empty_db, "standards", "import", str(STANDARDS_EXAMPLE))
    data = example(EHIS_EXAMPLE)
    good = data["students"][0]
    data["students"] += [
        {**good, "personal_code": "38001085719"},
        {**good, "personal_code": "60710250633", "funding_code": "X"},
        {**good, "personal_code": "60710250633", "curriculum_code": "999999"},
    ]
    path = write_json(tmp_path, "ehis.json", data)

    code, out, err = await _run(empty_db, "ehis", "import", str(path))

    assert code == 1
    assert "Rejected rows: 3" in out
    assert "ehis.json: students row 8, personal_code: is not a valid Estonian" in out
    assert "ehis.json: students row 9, funding_code: must be one of R, Z, M, T" in out
    assert "ehis.json: students row 10, curriculum_code: unknown curriculum" in out
    assert await Student.all().count() == 7
    assert {c for c in personal_codes_in(path) if c in out + err} == set()


async def test_an_unreadable_file_exits_2_and_changes_nothing(empty_db, tmp_path):
    await _run(empty_db, "standards", "import", str(STANDARDS_EXAMPLE))
    before = await snapshot()
    path = tmp_path / "ehis.json"
    path.write_text(EHIS_EXAMPLE.read_text(encoding="utf-8")[:-40], encoding="utf-8")

    code, out, err = await _run(empty_db, "ehis", "import", str(path))

    assert code == 2
    assert "cannot read ehis.json: is not valid JSON" in err
    assert "nothing was changed" in err
    assert await snapshot() == before


async def test_a_dry_run_counts_but_saves_nothing(empty_db):
    code, out, _ = await _run(empty_db, "standards", "import", "--dry-run", str(STANDARDS_EXAMPLE))

    assert code == 0
    assert "dry run: nothing was saved" in out
    assert "standards       │       6 │" in out
    assert await Standard.all().count() == 0


async def test_a_standards_import_reads_one_file(empty_db):
    code, _, err = await _run(
        empty_db, "standards", "import", str(STANDARDS_EXAMPLE), str(STANDARDS_EXAMPLE)
    )

    assert code == 2
    assert "one JSON file" in err
