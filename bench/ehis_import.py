"""EHIS import benchmark: students per second into PostgreSQL and SQLite.

    python -m bench.ehis_import [--students 10000] [--curricula 100] [--schools 20]
                                [--changed 0.1] [--backend postgres --backend sqlite]
                                [--postgres-url postgres://postgres@127.0.0.1:5432/eh_bench_ehis]

Generates an EHIS JSON file in a temporary folder (schools, curricula linked to the example
standards, students with valid personal codes), then for each backend: creates a fresh
database, imports `integrations/standards/example.json`, and times the EHIS import of the
file (first import: everything created), of the same file again (nothing changes), and of a
newer file in which `--changed` of the students moved course or changed funding code. A
second fresh database measures the first import's peak Python memory (tracemalloc, which
slows it down, so it is timed apart). The PostgreSQL database is dropped at the end. It
prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from app import db
from bench.database import drop_database, recreate_database
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
console = Console(highlight=False, width=120)


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


@dataclass
class Run:
    backend: str
    phase: str
    seconds: float
    report: ImportReport

    @property
    def students_per_second(self) -> float:
        counts = self.report.counts["students"]
        rows = counts.created + counts.updated + counts.unchanged + counts.rejected
        return rows / self.seconds


async def timed(backend: str, phase: str, path: Path) -> Run:
    started = time.perf_counter()
    report = await import_ehis(path)
    return Run(backend, phase, time.perf_counter() - started, report)


async def fresh(url: str) -> None:
    await recreate_database(url)
    await db.start(url)
    await import_standards(STANDARDS)


async def bench_backend(backend: str, url: str, files: dict[str, Path]) -> tuple[list[Run], int]:
    await fresh(url)
    try:
        runs = [
            await timed(backend, "first import", files["first"]),
            await timed(backend, "same file again", files["first"]),
            await timed(backend, "newer file", files["newer"]),
        ]
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
        await drop_database(url)
    return runs, peak


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
        started = time.perf_counter()
        await EhisFileSource(files["first"]).read()
        parse_seconds = time.perf_counter() - started
        console.print(
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"{args.students} students, {args.curricula} curricula, {args.schools} schools; "
            f"file {files['first'].stat().st_size / 1e6:.1f} MB, "
            f"reading and checking it alone: {parse_seconds:.2f} s"
        )
        table = Table(title="EHIS import")
        for column in ("backend", "run", "seconds", "students/s", "created", "updated"):
            table.add_column(column, justify="left" if column in ("backend", "run") else "right")
        peaks = {}
        for backend in backends:
            url = (
                args.postgres_url
                if backend == "postgres"
                else f"sqlite://{Path(folder) / 'bench.sqlite3'}"
            )
            runs, peaks[backend] = await bench_backend(backend, url, files)
            for run in runs:
                counts = run.report.counts["students"]
                table.add_row(
                    run.backend,
                    run.phase,
                    f"{run.seconds:.2f}",
                    f"{run.students_per_second:,.0f}",
                    str(counts.created),
                    str(counts.updated),
                )
        console.print(table)
        for backend, peak in peaks.items():
            console.print(f"{backend}: peak Python memory of a first import {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
