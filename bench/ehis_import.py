"""EHIS import benchmark: students per second into PostgreSQL and SQLite, beside the limit
a bare COPY of the same rows sets.

    python -m bench.ehis_import [--students 10000] [--curricula 100] [--schools 20]
                                [--changed 0.1] [--backend postgres --backend sqlite]
                                [--postgres-url postgres://postgres@127.0.0.1:5432/eh_bench_ehis]
                                [--no-cli]

Generates an EHIS JSON file in a temporary folder (schools, curricula linked to the example
standards, students with valid personal codes), then for each backend: creates a fresh
database, imports `integrations/standards/example.json`, and times the EHIS import of the
file (first import: everything created), of the same file again (nothing changes), and of a
newer file in which `--changed` of the students moved course or changed funding code.

On PostgreSQL, in the same run, the same student rows are copied into an empty staging table
with asyncpg's binary COPY (`copy_records_to_table`, the fastest way in), best of three: the
limit the importer is held against. Then the same through the command line: a fresh database,
`eksamihaldus ehis import FILE` as a new process (first import, then the same file again),
beside `psql -c "\\copy ..."` of the same rows as CSV (skipped when psql is not installed).

A second fresh database measures the first import's peak Python memory (tracemalloc, which
slows it down, so it is timed apart). The PostgreSQL database is dropped at the end. It
prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from tortoise import connections
from tortoise.transactions import in_transaction

from app import db
from bench.database import drop_database, recreate_database
from bench.load import _cpu_of, _spent
from integrations.ehis import EhisFileSource, import_ehis
from integrations.report import ImportReport
from integrations.standards import import_standards
from models.personal_code import make_personal_code

ROOT = Path(__file__).resolve().parent.parent
STANDARDS = ROOT / "integrations" / "standards" / "example.json"
STANDARD_VERSIONS = [
    (s["code"], s["version"])
    for s in json.loads(STANDARDS.read_text(encoding="utf-8"))["standards"]
]
FIRST_NAMES = ["Karl", "Mari", "Rasmus", "Liis", "Artjom", "Kätlin", "Jüri", "Grete", "Siim"]
LAST_NAMES = ["Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ivanov", "Põder"]
SEED = 2026
console = Console(highlight=False, width=160)

# The staging table a bare COPY fills: the student rows as the file gives them, no keys.
COPY_TABLE = "ehis_copy"
COPY_COLUMNS = (
    "personal_code",
    "first_name",
    "last_name",
    "curriculum_code",
    "course",
    "funding_code",
    "special_needs",
    "language",
    "started_on",
    "ends_on",
)
CREATE_COPY_TABLE = f"""
CREATE TEMPORARY TABLE {COPY_TABLE} (
    personal_code varchar(11), first_name varchar(100), last_name varchar(100),
    curriculum_code varchar(16), course integer, funding_code varchar(1),
    special_needs boolean, language varchar(2), started_on date, ends_on date
)"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--curricula", type=int, default=100)
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--changed", type=float, default=0.1, help="share changed in the update")
    parser.add_argument(
        "--backend", action="append", choices=["postgres", "sqlite"], dest="backends"
    )
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/eh_bench_ehis"
    )
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line runs")
    return parser.parse_args(argv)


def generate(students: int, curricula: int, schools: int) -> dict[str, Any]:
    """An EHIS export of the given size; the same every time (a fixed seed)."""
    rng = random.Random(SEED)
    school_rows = [
        {"code": str(2000 + n), "name": f"Kutsehariduskeskus {n}"} for n in range(schools)
    ]
    curriculum_rows = []
    for n in range(curricula):
        code, version = rng.choice(STANDARD_VERSIONS)
        curriculum_rows.append(
            {
                "code": str(400000 + n),
                "school_code": school_rows[n % schools]["code"],
                "name": f"Õppekava {n}",
                "level_type": "441",
                "nominal_years": 3,
                "registered_on": "2021-08-30",
                "standards": [{"code": code, "version": version}],
            }
        )
    codes: set[str] = set()
    student_rows = []
    while len(student_rows) < students:
        born = date(1990, 1, 1) + timedelta(days=rng.randrange(20 * 365))
        code = make_personal_code(born, rng.randrange(1000), female=rng.random() < 0.5)
        if code in codes:
            continue
        codes.add(code)
        started = date(2023 + rng.randrange(3), 9, 1)
        student_rows.append(
            {
                "personal_code": code,
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "curriculum_code": rng.choice(curriculum_rows)["code"],
                "course": 2026 - started.year,
                "funding_code": rng.choice("RRRZMT"),
                "special_needs": rng.random() < 0.05,
                "language": "ru" if rng.random() < 0.2 else "et",
                "started_on": started.isoformat(),
                "ends_on": started.replace(year=started.year + 3, month=6, day=20).isoformat(),
            }
        )
    return {"schools": school_rows, "curricula": curriculum_rows, "students": student_rows}


def newer(data: dict[str, Any], share: float) -> dict[str, Any]:
    """The same export a while later: a share of the students moved course or funding."""
    rng = random.Random(SEED + 1)
    changed = json.loads(json.dumps(data))
    for row in rng.sample(changed["students"], int(len(changed["students"]) * share)):
        if rng.random() < 0.5:
            row["course"] = row["course"] % 10 + 1
        else:
            row["funding_code"] = "M" if row["funding_code"] != "M" else "R"
    return changed


def copy_records(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The file's student rows as typed tuples for COPY (COPY_COLUMNS order)."""
    return [
        (
            row["personal_code"],
            row["first_name"],
            row["last_name"],
            row["curriculum_code"],
            row["course"],
            row["funding_code"],
            row["special_needs"],
            row["language"],
            date.fromisoformat(row["started_on"]),
            date.fromisoformat(row["ends_on"]),
        )
        for row in data["students"]
    ]


def write_copy_csv(records: list[tuple[Any, ...]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(records)


@dataclass
class Run:
    backend: str
    path: str  # "in-process" or "CLI"
    phase: str
    seconds: float
    students: int
    created: int | None = None
    updated: int | None = None
    python_cpu: float | None = None  # this process (and its reading thread)
    database_cpu: float | None = None  # the PostgreSQL backends serving this database

    @property
    def students_per_second(self) -> float:
        return self.students / self.seconds


def students_in(report: ImportReport) -> int:
    counts = report.counts["students"]
    return counts.created + counts.updated + counts.unchanged + counts.rejected


async def backends_cpu(backend: str) -> dict[int, float] | None:
    """CPU seconds of each PostgreSQL backend connected to this database (they are this
    benchmark's own, unlike the server's other databases); None for SQLite."""
    if backend != "postgres":
        return None
    rows = await connections.get("default").execute_query_dict(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    )
    return {row["pid"]: _cpu_of(row["pid"]) for row in rows}


async def timed(backend: str, phase: str, path: Path) -> Run:
    database_before = await backends_cpu(backend)
    cpu_before, started = time.process_time(), time.perf_counter()
    report = await import_ehis(path)
    seconds, python_cpu = time.perf_counter() - started, time.process_time() - cpu_before
    database_after = await backends_cpu(backend)
    counts = report.counts["students"]
    return Run(
        backend,
        "in-process",
        phase,
        seconds,
        students_in(report),
        counts.created,
        counts.updated,
        python_cpu,
        _spent(database_before, database_after) if database_after is not None else None,
    )


async def fresh(url: str) -> None:
    await recreate_database(url)
    await db.start(url)
    await import_standards(STANDARDS)


async def bare_copy_seconds(records: list[tuple[Any, ...]], tries: int = 3) -> float:
    """The best of `tries` binary COPYs of `records` into an empty staging table."""
    best = float("inf")
    for _ in range(tries):
        async with in_transaction() as connection, connection.acquire_connection() as raw:
            await raw.execute(CREATE_COPY_TABLE + " ON COMMIT DROP")
            started = time.perf_counter()
            await raw.copy_records_to_table(COPY_TABLE, records=records, columns=COPY_COLUMNS)
            best = min(best, time.perf_counter() - started)
    return best


async def bench_backend(
    backend: str, url: str, files: dict[str, Path], records: list[tuple[Any, ...]]
) -> tuple[list[Run], float | None, int]:
    await fresh(url)
    try:
        runs = [
            await timed(backend, "first import", files["first"]),
            await timed(backend, "same file again", files["first"]),
            await timed(backend, "newer file", files["newer"]),
        ]
        copy = await bare_copy_seconds(records) if backend == "postgres" else None
    finally:
        await db.close()
    await fresh(url)
    try:
        tracemalloc.start()
        await import_ehis(files["first"])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        await db.close()
    return runs, copy, peak


def _command() -> list[str]:
    installed = Path(sys.executable).with_name("eksamihaldus")
    if installed.exists():
        return [str(installed)]
    return [sys.executable, "-m", "app.cli"]


def cli_import_seconds(url: str, path: Path) -> float:
    """`eksamihaldus ehis import PATH` as a new process, from start to exit."""
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    done = subprocess.run(
        [*_command(), "ehis", "import", str(path)], env=env, capture_output=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"eksamihaldus ehis import exited {done.returncode}: {done.stderr!r}")
    return seconds


def psql_copy_seconds(url: str, csv_path: Path) -> float | None:
    """`psql` creating a staging table and `\\copy`-ing the CSV into it, start to exit."""
    psql = shutil.which("psql")
    if psql is None:
        return None
    started = time.perf_counter()
    subprocess.run(
        [
            psql,
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            CREATE_COPY_TABLE,
            "-c",
            f"\\copy {COPY_TABLE} FROM '{csv_path}' WITH (FORMAT csv)",
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


async def bench_cli(url: str, files: dict[str, Path], students: int) -> list[Run]:
    await fresh(url)
    await db.close()
    return [
        Run("postgres", "CLI", phase, cli_import_seconds(url, files["first"]), students)
        for phase in ("first import", "same file again")
    ]


def _cpu(run: Run) -> str:
    if run.python_cpu is None:
        return "—"
    if run.database_cpu is None:
        return f"{run.python_cpu:.2f}"
    return f"{run.python_cpu:.2f} + {run.database_cpu:.2f}"


def _per_cpu(run: Run) -> str:
    if run.python_cpu is None:
        return "—"
    return _rate(run.students / (run.python_cpu + (run.database_cpu or 0.0)))


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


async def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    backends = args.backends or ["postgres", "sqlite"]
    with tempfile.TemporaryDirectory(prefix="eh_bench_ehis_") as folder:
        data = generate(args.students, args.curricula, args.schools)
        files = {"first": Path(folder) / "ehis.json", "newer": Path(folder) / "ehis_newer.json"}
        files["first"].write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        files["newer"].write_text(
            json.dumps(newer(data, args.changed), ensure_ascii=False), encoding="utf-8"
        )
        records = copy_records(data)
        csv_path = Path(folder) / "students.csv"
        write_copy_csv(records, csv_path)
        started = time.perf_counter()
        await EhisFileSource(files["first"]).read()
        parse_seconds = time.perf_counter() - started
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        console.print(
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} cores, load average {load}; "
            f"{args.students} students, {args.curricula} curricula, {args.schools} schools; "
            f"file {files['first'].stat().st_size / 1e6:.1f} MB, "
            f"reading and checking it alone: {parse_seconds:.2f} s"
        )
        table = Table(title="EHIS import beside a bare COPY of the same student rows")
        columns = (
            "backend",
            "path",
            "run",
            "seconds",
            "students/s",
            "bare COPY students/s",
            "importer / COPY",
            "CPU s: Python + DB",
            "students per CPU s",
            "created",
            "updated",
        )
        for column in columns:
            table.add_column(column, justify="left" if column in columns[:3] else "right")
        peaks = {}
        for backend in backends:
            url = (
                args.postgres_url
                if backend == "postgres"
                else f"sqlite://{Path(folder) / 'bench.sqlite3'}"
            )
            runs, copy, peaks[backend] = await bench_backend(backend, url, files, records)
            limit = len(records) / copy if copy else None
            cli_limit = None
            if backend == "postgres" and not args.no_cli:
                cli_runs = await bench_cli(url, files, len(records))
                psql = psql_copy_seconds(url, csv_path)
                cli_limit = len(records) / psql if psql else None
                runs += cli_runs
            for run in runs:
                bound = cli_limit if run.path == "CLI" else limit
                table.add_row(
                    run.backend,
                    run.path,
                    run.phase,
                    f"{run.seconds:.2f}",
                    _rate(run.students_per_second),
                    _rate(bound),
                    f"{run.students_per_second / bound:.0%}" if bound else "—",
                    _cpu(run),
                    _per_cpu(run),
                    "" if run.created is None else str(run.created),
                    "" if run.updated is None else str(run.updated),
                )
            if backend == "postgres":
                await drop_database(url)
        console.print(table)
        console.print(
            "bare COPY: in-process, asyncpg binary COPY into an empty staging table (best of "
            "3); CLI, `psql -c \\copy` of the same rows as CSV, process start to exit. "
            "CPU s: what the import itself used, of this process and of the PostgreSQL "
            "backends of its database; on a busy machine students per CPU second is the "
            "steadier figure (seconds then include waiting for a core)."
        )
        for backend, peak in peaks.items():
            console.print(f"{backend}: peak Python memory of a first import {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
