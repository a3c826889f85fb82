"""Read-path benchmark: GraphQL (Strawberry) against one hand-written SQL statement per page.

    python -m bench.read_graph [--database-url postgres://postgres@127.0.0.1:5432/eh_bench]
                               [--seconds 10] [--concurrency 8] [--workers 1] [--reuse]

It (re)creates the database, generates the data set (bench/dataset.py), starts uvicorn in a
subprocess with the real app plus reference routes (bench/server.py), checks once that both
paths return the same data, then loads each scenario over loopback and prints requests/s,
latency percentiles, response size, errors, SQL statements per request (counted in-process
through the ASGI app) and CPU use of both sides. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table
from tortoise import connections

from app import db
from app.asgi import create_app
from app.auth import issue_token, load_key_ring
from app.settings import Settings
from app.sqlcount import count_statements
from bench import database, dataset, load
from bench.queries import EXAM_PAGE, SCHOOL_LIST, count_fields, first_difference, normalise
from models.enums import Role
from schema.node import to_global_id

console = Console(highlight=False, width=132)


@dataclass
class Scenario:
    name: str
    page: str
    path: str
    body: dict[str, Any] | None
    graphql: bool


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/eh_bench")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per scenario")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up per scenario")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--groups", type=int, default=10, help="exam page: groups")
    parser.add_argument("--participants", type=int, default=20, help="exam page: per group")
    parser.add_argument("--list-exams", type=int, default=20, help="school list: exams")
    parser.add_argument("--list-groups", type=int, default=3, help="school list: groups/exam")
    parser.add_argument("--list-participants", type=int, default=20, help="school list: per group")
    parser.add_argument("--max-query-cost", type=int, default=None, help="server's cost limit")
    parser.add_argument("--reuse", action="store_true", help="keep the database and its data")
    parser.add_argument(
        "--stock-uvicorn",
        action="store_true",
        help="plain `uvicorn --workers N` (loses TCP_NODELAY when N > 1; see bench/serve.py)",
    )
    return parser.parse_args(argv)


async def prepare(args: argparse.Namespace, postgres: bool) -> dataset.Handles:
    url = args.database_url
    if not args.reuse:
        await database.recreate_database(url)
    await db.start(url)
    if args.reuse:
        return await dataset.find(postgres)
    sizes = dataset.Sizes(
        args.groups, args.participants, args.list_exams, args.list_groups, args.list_participants
    )
    return await dataset.generate(sizes, postgres=postgres)


def scenarios(handles: dataset.Handles, list_size: int, postgres: bool) -> list[Scenario]:
    exam_id = to_global_id("Exam", handles.exam_page_id)
    exam_page = {"query": EXAM_PAGE, "variables": {"id": exam_id}}
    school_list = {"query": SCHOOL_LIST, "variables": {"first": list_size}}
    exam_sql = f"/reference/exam/{handles.exam_page_id}"
    school_sql = f"/reference/school/{handles.school_id}?first={list_size}"
    found = [
        Scenario("exam page · GraphQL", "exam page", "/graphql", exam_page, True),
        Scenario("exam page · SQL reference", "exam page", exam_sql, None, False),
        Scenario("school list · GraphQL", "school list", "/graphql", school_list, True),
        Scenario("school list · SQL reference", "school list", school_sql, None, False),
    ]
    return [s for s in found if s.graphql or postgres]


async def statements_per_request(
    settings: Settings, headers: dict[str, str], todo: list[Scenario]
) -> dict[str, int]:
    """One request per GraphQL scenario through the ASGI app in this process, counted."""
    app = create_app(settings, migrate=False, demo=False)
    counts: dict[str, int] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for scenario in todo:
            if not scenario.graphql:
                continue
            await client.post(scenario.path, json=scenario.body, headers=headers)  # warm caches
            with count_statements() as n:
                await client.post(scenario.path, json=scenario.body, headers=headers)
            counts[scenario.name] = n[0]
    return counts


async def check_first_responses(client: httpx.AsyncClient, todo: list[Scenario]) -> dict[str, Any]:
    """Send each scenario once, read the whole body, show any error; returns the data."""
    bodies: dict[str, Any] = {}
    for scenario in todo:
        response = await client.post(scenario.path, json=scenario.body)
        try:
            parsed = response.json()
        except ValueError:
            parsed = {"errors": [{"message": f"not JSON: {response.text[:300]}"}]}
        if response.status_code != 200 or "errors" in parsed:
            console.print(f"[red]{scenario.name}: HTTP {response.status_code}, first response:")
            console.print(json.dumps(parsed, ensure_ascii=False)[:2000])
        bodies[scenario.name] = parsed.get("data")
    return bodies


def compare(bodies: dict[str, Any], todo: list[Scenario]) -> list[str]:
    lines = []
    for page in dict.fromkeys(s.page for s in todo):
        pair = [s for s in todo if s.page == page]
        if len(pair) != 2:
            continue
        graphql, reference = (bodies[s.name] for s in pair)
        if graphql is None or reference is None:
            lines.append(f"{page}: not compared (a side returned no data)")
            continue
        difference = first_difference(normalise(graphql), normalise(reference))
        verdict = "identical data" if difference is None else f"DIFFERENT at {difference}"
        lines.append(f"{page}: GraphQL vs reference: {verdict} ({count_fields(graphql)} fields)")
    return lines


async def database_version(postgres: bool) -> str:
    sql = "SHOW server_version" if postgres else "SELECT sqlite_version() AS v"
    rows = await connections.get("default").execute_query_dict(sql)
    return ("PostgreSQL " if postgres else "SQLite ") + str(next(iter(rows[0].values())))


def report(
    args: argparse.Namespace,
    info: dict[str, str],
    results: list[load.Result],
    statements: dict[str, int],
    notes: list[str],
) -> None:
    for key, value in info.items():
        console.print(f"[bold]{key}:[/bold] {value}")
    table = Table(title=f"{args.seconds:g} s per scenario, concurrency {args.concurrency}")
    for column in ("scenario", "req/s", "p50 ms", "p99 ms", "bytes", "errors", "SQL/req",
                   "server CPU", "client CPU", "DB CPU"):  # fmt: skip
        table.add_column(column, justify="left" if column == "scenario" else "right")
    for r in results:
        table.add_row(
            r.name, f"{r.rps:.1f}", f"{r.percentile(0.5):.1f}", f"{r.percentile(0.99):.1f}",
            f"{r.response_bytes:,}", f"{r.errors}/{r.requests}",
            str(statements.get(r.name, "1+1 auth" if "reference" in r.name else "-")),
            f"{r.server_cpu:.0%}", f"{r.client_cpu:.0%}", f"{r.database_cpu:.0%}",
        )  # fmt: skip
    console.print(table)
    by_name = {r.name: r for r in results}
    for page in ("exam page", "school list"):
        graphql, reference = (
            by_name.get(f"{page} · GraphQL"),
            by_name.get(f"{page} · SQL reference"),
        )
        if graphql and reference and reference.rps:
            console.print(
                f"{page}: GraphQL / reference throughput = {graphql.rps / reference.rps:.1%} "
                f"({graphql.rps:.1f} vs {reference.rps:.1f} req/s)"
            )
    for note in notes:
        console.print(note)
    for r in results:
        if r.first_error:
            console.print(f"[red]{r.name}: first error: {r.first_error}")


async def main_async(args: argparse.Namespace) -> None:
    postgres = not args.database_url.startswith("sqlite")
    handles = await prepare(args, postgres)
    notes = [] if postgres else ["SQL reference skipped: it needs PostgreSQL (json_agg)."]
    with tempfile.TemporaryDirectory(prefix="eh-bench-") as tmp:
        key_file = Path(tmp) / "jwt.pem"
        cost = args.max_query_cost or Settings().max_query_cost
        settings = Settings(
            database_url=args.database_url, jwt_private_key_file=key_file, max_query_cost=cost
        )
        token = issue_token(
            load_key_ring(settings), settings, person_id=handles.school_user_id,
            role=Role.SCHOOL, organisation_id=handles.school_id,
        )  # fmt: skip
        headers = {"Authorization": f"Bearer {token}"}
        todo = scenarios(handles, args.list_exams, postgres)
        statements = await statements_per_request(settings, headers, todo)
        server = load.Server(
            database_url=args.database_url, key_file=key_file, workers=args.workers,
            env={"EH_MAX_QUERY_COST": str(cost)}, stock=args.stock_uvicorn,
        )  # fmt: skip
        try:
            await server.wait_ready()
            limits = httpx.Limits(max_connections=args.concurrency)
            async with httpx.AsyncClient(
                base_url=server.url, headers=headers, limits=limits, timeout=60
            ) as client:
                notes += compare(await check_first_responses(client, todo), todo)
                results = []
                for scenario in todo:
                    console.print(f"running {scenario.name} …")
                    results.append(
                        await load.run(
                            client,
                            server,
                            scenario.name,
                            scenario.path,
                            scenario.body,
                            seconds=args.seconds,
                            warmup=args.warmup,
                            concurrency=args.concurrency,
                        )  # fmt: skip
                    )
        finally:
            server.stop()
    info = {
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}",
        "database": f"{await database_version(postgres)} ({args.database_url})",
        "server": f"uvicorn{' (stock CLI)' if args.stock_uvicorn else ''}, "
        f"{args.workers} worker(s), loop/http: {_uvicorn_impl()}, "
        f"max query cost {cost}",
        "data set": ", ".join(f"{k} {v}" for k, v in handles.rows.items()),
        "pages": f"exam page {args.groups} groups × {args.participants} participants; "
        f"school list {args.list_exams} exams × {args.list_groups} groups × "
        f"{args.list_participants} participants",
    }
    report(args, info, results, statements, notes)
    await db.close()


def _uvicorn_impl() -> str:
    from importlib.util import find_spec

    loop = "uvloop" if find_spec("uvloop") else "asyncio"
    http = "httptools" if find_spec("httptools") else "h11"
    return f"{loop}/{http}"


def main(argv: list[str] | None = None) -> None:
    asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    main()
