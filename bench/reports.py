"""Statistics and compensation on a ministry-sized database (PostgreSQL).

    python -m bench.reports [--exams 2000] [--participants 20] [--repeat 5]
                            [--postgres-url postgres://postgres@127.0.0.1:5432/eh_bench_reports]

Creates a fresh database, migrates it and fills it with set-based SQL: 20 schools, 10
awarding bodies, 50 standards and curricula (curriculum groups and exam types spread over a
rate table), and `--exams` exams, most of them COMPLETED over three years, each with two
groups on different dates and `--participants` participants (funding codes R, Z, M, T and
none; results of every kind). Then it times, best of `--repeat` runs, the registry's exam
statistics (totals; by status and year; by school and awarding body), one awarding body's
and one school's, and the compensation report for a year (registry, one body), and the
participants of that year's lines. The database is dropped at the end. It prints figures;
it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from tortoise import connections

from app import db
from bench.database import drop_database, recreate_database, settle
from models.access import ReportScope
from models.compensation_report import compensation_report, line_participants
from models.statistics import Dimension, ExamStatisticsFilter, exam_statistics

FILL = """
INSERT INTO organisation (id, created_at, kind, code, name, committee_min_members)
SELECT i, now(), CASE WHEN i <= 20 THEN 'SCHOOL' ELSE 'AWARDING_BODY' END,
       (70000000 + i)::text, 'Organisatsioon ' || i, 2
FROM generate_series(1, 30) i;
INSERT INTO person (id, created_at, personal_code, first_name, last_name)
SELECT i, now(), lpad(i::text, 11, '3'), 'Eesnimi' || i, 'Perenimi' || i
FROM generate_series(1, {people}) i;
INSERT INTO standard (id, created_at, code, version, name, occupational_area, kind,
                      ekr_level, eqf_level, valid_from, certificate_validity_months)
SELECT i, now(), 'S' || i, 1, 'Kutse ' || i || ', tase 4', 'Ala ' || (i % 12), 'kutsestandard',
       4, 4, date '2020-01-01', 60
FROM generate_series(1, 50) i;
INSERT INTO curriculum (id, created_at, school_id, ehis_code, name, level_type_code,
                        level_type_name, nominal_years, nominal_months, registered_on,
                        admission_open, compound, curriculum_group)
SELECT i, now(), 1 + i % 20, (100000 + i)::text, 'Õppekava ' || i, '441', 'Neljanda taseme',
       3, 0, date '2020-01-01', true, false,
       (ARRAY['0715', '0716', '0721', '0732', '1013', '0612'])[1 + i % 6]
FROM generate_series(1, 50) i;
INSERT INTO compensation_rate (created_at, curriculum_group, exam_type, valid_from, amount_cents)
SELECT now(), g, t, d, 8000 + 500 * row_number() OVER ()
FROM unnest(ARRAY['0715', '0716', '0721', '0732', '1013', '0612']) g,
     unnest(ARRAY['THEORY', 'PRACTICAL', 'COMBINED']) t,
     unnest(ARRAY[date '2022-05-01', date '2024-07-01']) d;
INSERT INTO exam (id, created_at, version, updated_at, school_id, awarding_body_id,
                  curriculum_id, standard_id, status, exam_type, graduation_date, language,
                  final_course, responsible_id, created_by_id, submitted_at, accepted_at,
                  completed_at)
SELECT i, now(), 1, now(), 1 + (i % 50) % 20, 21 + i % 10, 1 + i % 50, 1 + i % 50,
       CASE WHEN i % 10 < 8 THEN 'COMPLETED' WHEN i % 10 = 8 THEN 'ASSESSED' ELSE 'ACCEPTED' END,
       (ARRAY['THEORY', 'PRACTICAL', 'COMBINED'])[1 + i % 3],
       date '2022-06-01' + (i % 1000), 'et', 3, 1, 1,
       timestamptz '2022-03-01' + (i % 1000) * interval '1 day',
       timestamptz '2022-03-05' + (i % 1000) * interval '1 day' + (i % 7) * interval '1 hour',
       CASE WHEN i % 10 < 8
            THEN timestamptz '2022-05-10' + (i % 1000) * interval '1 day' END
FROM generate_series(1, {exams}) i;
INSERT INTO exam_group (id, created_at, version, updated_at, exam_id, name, "limit", language,
                        date)
SELECT i, now(), 1, now(), 1 + (i - 1) / 2, 'G' || i, 60, 'et',
       date '2022-05-01' + ((1 + (i - 1) / 2) % 1000) + ((i - 1) % 2) * 3
FROM generate_series(1, 2 * {exams}) i;
INSERT INTO participant (id, created_at, version, updated_at, exam_id, group_id, person_id,
                         kind, course, funding_code, special_needs, language, result, score)
SELECT i, now(), 1, now(), e, 2 * e - 1 + (n % 2), n + 1,
       CASE WHEN n % 17 = 0 THEN 'WORK_WORLD_APPLICANT' ELSE 'GRADUATE' END, 3,
       CASE WHEN n % 17 = 0 THEN NULL ELSE (ARRAY['R', 'R', 'R', 'Z', 'M', 'T'])[1 + n % 6] END,
       false, 'et',
       (ARRAY['PASSED', 'PASSED', 'PASSED', 'PARTIALLY_PASSED', 'FAILED', 'ABSENT'])[1 + i % 6],
       NULL
FROM (SELECT i, 1 + (i - 1) / {participants} AS e, (i - 1) % {participants} AS n
      FROM generate_series(1, {exams} * {participants}) i) p;
"""


async def _best(repeat: int, run: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = await run()
        best = min(best, time.perf_counter() - started)
    return best * 1000, result


async def main(args: argparse.Namespace) -> None:
    url = args.postgres_url
    await recreate_database(url)
    await db.start(url)
    try:
        started = time.perf_counter()
        await connections.get("default").execute_script(
            FILL.format(exams=args.exams, participants=args.participants, people=args.participants)
        )
        await settle()
        print(
            f"data: {args.exams} exams × {args.participants} participants "
            f"({args.exams * args.participants} participants, {2 * args.exams} groups), "
            f"generated in {time.perf_counter() - started:.1f} s"
        )
        everything, year = ExamStatisticsFilter(), (date(2023, 1, 1), date(2023, 12, 31))
        cases: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            (
                "statistics, registry, totals",
                lambda: exam_statistics(ReportScope(), everything, ()),
            ),
            (
                "statistics, registry, by status and year",
                lambda: exam_statistics(
                    ReportScope(), everything, (Dimension.STATUS, Dimension.YEAR)
                ),
            ),
            (
                "statistics, registry, by school and awarding body",
                lambda: exam_statistics(
                    ReportScope(), everything, (Dimension.SCHOOL, Dimension.AWARDING_BODY)
                ),
            ),
            (
                "statistics, one awarding body, by standard",
                lambda: exam_statistics(
                    ReportScope(awarding_body_id=21, sent_only=True),
                    everything,
                    (Dimension.STANDARD,),
                ),
            ),
            (
                "statistics, one school, by year",
                lambda: exam_statistics(ReportScope(school_id=1), everything, (Dimension.YEAR,)),
            ),
            ("compensation, registry, a year", lambda: compensation_report(ReportScope(), *year)),
            (
                "compensation, one awarding body, a year",
                lambda: compensation_report(ReportScope(awarding_body_id=21), *year),
            ),
        ]
        print(f"{'query':<52}{'best ms':>10}  rows")
        lines: list[Any] = []
        for name, run in cases:
            ms, result = await _best(args.repeat, run)
            rows = len(result.lines) if hasattr(result, "lines") else len(result)
            if hasattr(result, "lines"):
                lines = result.lines
                rows_note = f"{rows} lines, {result.amount_cents / 100:,.2f} €"
            else:
                rows_note = f"{rows} rows"
            print(f"{name:<52}{ms:>10.1f}  {rows_note}")
        exam_ids = sorted({line.exam_id for line in lines})
        ms, people = await _best(args.repeat, lambda: line_participants(exam_ids))
        print(
            f"{'participants of one body’s lines (traceability)':<52}{ms:>10.1f}  "
            f"{len(people)} rows"
        )
    finally:
        await db.close()
        await drop_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exams", type=int, default=2000)
    parser.add_argument("--participants", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/eh_bench_reports"
    )
    asyncio.run(main(parser.parse_args()))
