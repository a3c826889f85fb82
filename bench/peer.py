"""Side by side: the project's read path, the hand-written SQL reference and PostGraphile 5.

    python -m bench.peer [--rounds 5] [--seconds 8] [--concurrency 10]     (./dev bench --peer)

On one fresh PostgreSQL database (dropped at the end) with the bench data set
(bench/dataset.py), it serves the same rows three ways: the project (bench.serve: the real
app, one uvicorn worker, bench/queries.py's EXAM_PAGE and SCHOOL_LIST), the SQL reference
routes in the same process (bench/reference.py) and PostGraphile 5 (bench/postgraphile.py,
from npm into var/peer-bench/). It checks once that the three answers hold the same data,
counts SQL statements per request (app.sqlcount in-process for the project; PostGraphile's
pg client queries), then runs short interleaved rounds (order rotated each round) with wrk
(or httpx when wrk is missing) and prints median req/s, p50/p99, each server process's CPU
per request (steadier than req/s on a shared machine) and the ratios. It prints figures and
asserts nothing; compare ratios within one run, never absolute figures across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from tortoise import connections

from app import db
from app.auth import issue_token, load_key_ring
from app.settings import Settings
from bench import database, dataset, postgraphile
from bench.load import Server, free_port
from bench.peer_compare import count_fields, first_difference, normalise
from bench.peer_load import measure
from bench.read_graph import scenarios, statements_per_request
from models.enums import Role

SYSTEMS = ("project", "raw SQL", "PostGraphile")
PAGES = ("exam page", "school list")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=10)
    return parser.parse_args(argv)


async def prepare(url: str, key_file: Path) -> dict[str, Any]:
    """Database, data, PostGraphile's functions, a school's token, statements per request."""
    await database.recreate_database(url)
    await db.start(url)
    sizes = dataset.Sizes()
    handles = await dataset.generate(sizes, postgres=True)
    await connections.get("default").execute_script(postgraphile.FUNCTIONS)
    settings = Settings(database_url=url, jwt_private_key_file=key_file)
    token = issue_token(
        load_key_ring(settings),
        settings,
        person_id=handles.school_user_id,
        role=Role.SCHOOL,
        organisation_id=handles.school_id,
    )
    todo = scenarios(handles, sizes.list_exams, True)
    headers = {"Authorization": f"Bearer {token}"}
    counted = await statements_per_request(settings, headers, todo)
    await db.close()
    return {"handles": handles, "sizes": sizes, "token": token, "todo": todo, "counted": counted}


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    response = httpx.post(
        url,
        content=body or None,
        headers={**headers, "Content-Type": "application/json"},
        timeout=120,
    )
    return response.status_code, response.content


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not shutil.which("npm"):
        raise SystemExit("npm is needed (PostGraphile comes from the npm registry)")
    root = postgraphile.install()
    work = Path(tempfile.mkdtemp(prefix="eh-peer-"))
    name = f"eh_peer_{os.getpid()}"
    url = f"{args.server}/{name}"
    key_file = work / "jwt.pem"
    servers: list[Any] = []
    try:
        print(
            f"load: {os.getloadavg()}; database {name}: loading the bench data set ...", flush=True
        )
        setup = asyncio.run(prepare(url, key_file))
        handles, sizes = setup["handles"], setup["sizes"]
        auth = {"Authorization": f"Bearer {setup['token']}"}
        project = Server(
            database_url=url,
            key_file=key_file,
            workers=1,
            env={"EH_LOG_LEVEL": "WARNING"},
            log=work / "project.log",
        )
        servers.append(project)
        port = free_port()
        peer = postgraphile.start(root, url, port, work / "postgraphile.log")
        servers.append(peer)
        asyncio.run(project.wait_ready())
        _wait_for(f"http://127.0.0.1:{port}/graphql", peer, work / "postgraphile.log")
        print(
            f"servers: project (pid {project.process.pid}), "
            f"{postgraphile.version(root)} (pid {peer.pid})"
        )

        by = {(s.page, s.graphql): s for s in setup["todo"]}
        peer_bodies = {
            "exam page": {
                "query": postgraphile.EXAM_PAGE,
                "variables": {"id": handles.exam_page_id},
            },
            "school list": {
                "query": postgraphile.SCHOOL_LIST,
                "variables": {"school": handles.school_id, "first": sizes.list_exams},
            },
        }
        targets: dict[tuple[str, str], tuple[str, bytes, dict[str, str]]] = {}
        for page in PAGES:
            graphql, reference = by[(page, True)], by[(page, False)]
            targets[(page, "project")] = (
                project.url + graphql.path,
                json.dumps(graphql.body).encode(),
                auth,
            )
            targets[(page, "raw SQL")] = (project.url + reference.path, b"", auth)
            targets[(page, "PostGraphile")] = (
                f"http://127.0.0.1:{port}/graphql",
                json.dumps(peer_bodies[page]).encode(),
                {},
            )
        pids = {
            "project": project.process.pid,
            "raw SQL": project.process.pid,
            "PostGraphile": peer.pid,
        }

        sizes_of: dict[tuple[str, str], int] = {}
        for page in PAGES:
            datas = {}
            for system in SYSTEMS:
                status, raw = post(*targets[(page, system)])
                parsed = json.loads(raw)
                if status != 200 or parsed.get("errors") or not parsed.get("data"):
                    raise SystemExit(f"{page} {system}: HTTP {status} {raw[:400]!r}")
                datas[system], sizes_of[(page, system)] = parsed["data"], len(raw)
            reference = normalise(datas["raw SQL"])
            for system in ("project", "PostGraphile"):
                difference = first_difference(normalise(datas[system]), reference)
                if difference is not None:
                    raise SystemExit(
                        f"{page}: {system} differs from the SQL reference at {difference}"
                    )
            print(
                f"{page}: same data on all three; {count_fields(reference):,} fields; bytes "
                + ", ".join(f"{s} {sizes_of[(page, s)]:,}" for s in SYSTEMS)
            )
            before = postgraphile.statements(peer, work / "postgraphile.log")
            for _ in range(10):
                post(*targets[(page, "PostGraphile")])
            peer_statements = (
                postgraphile.statements(peer, work / "postgraphile.log") - before
            ) / 10
            counted = setup["counted"]
            print(
                f"{page}: SQL statements per request: project {counted[by[(page, True)].name]} "
                f"(token check included), PostGraphile {peer_statements:g}"
            )

        for page in PAGES:  # warm-up
            for system in SYSTEMS:
                measure(
                    targets[(page, system)],
                    pids[system],
                    argparse.Namespace(seconds=3, concurrency=args.concurrency),
                )
        results: dict[tuple[str, str], list[dict[str, float]]] = {
            (p, s): [] for p in PAGES for s in SYSTEMS
        }
        for round_ in range(args.rounds):
            order = SYSTEMS[round_ % 3 :] + SYSTEMS[: round_ % 3]
            for page in PAGES:
                line = []
                for system in order:
                    result = measure(targets[(page, system)], pids[system], args)
                    results[(page, system)].append(result)
                    line.append(f"{system} {result['rps']:.1f}")
                print(f"round {round_ + 1} {page}: " + ", ".join(line) + " req/s", flush=True)
        report(results, sizes_of)
        print(f"load: {os.getloadavg()} (other work on this machine shares its cores)")
        return 0
    finally:
        for server in servers:
            if isinstance(server, Server):
                server.stop()
            elif server.poll() is None:
                server.terminate()
                server.wait(timeout=10)
        asyncio.run(database.drop_database(url))
        shutil.rmtree(work, ignore_errors=True)


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("PostGraphile exited:\n" + log.read_text()[-2000:])
        try:
            if httpx.post(url, json={"query": "{ __typename }"}).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit("PostGraphile did not become ready:\n" + log.read_text()[-2000:])


def report(
    results: dict[tuple[str, str], list[dict[str, float]]], sizes_of: dict[tuple[str, str], int]
) -> None:
    median = statistics.median
    print(
        f"\n{'page':12} {'system':13} {'req/s med':>9} {'p50 ms':>7} {'p99 ms':>7} {'srv CPU':>7} "
        f"{'CPU ms/req':>10} {'bytes':>8}"
    )
    summary = {}
    for (page, system), runs in results.items():
        summary[(page, system)] = median(r["rps"] for r in runs)
        p50 = median(r["p50"] for r in runs)
        print(
            f"{page:12} {system:13} {summary[(page, system)]:9.1f} {p50:7.1f} "
            f"{median(r['p99'] for r in runs):7.1f} {median(r['cpu'] for r in runs):7.0%} "
            f"{median(r['cpu'] / r['rps'] * 1000 for r in runs if r['rps']):10.1f} "
            f"{sizes_of[(page, system)]:8,}"
        )
    for page in PAGES:
        rounds = [
            a["rps"] / b["rps"]
            for a, b in zip(
                results[(page, "project")], results[(page, "PostGraphile")], strict=True
            )
        ]
        versus_sql = summary[(page, "project")] / summary[(page, "raw SQL")]
        versus_peer = summary[(page, "project")] / summary[(page, "PostGraphile")]
        print(
            f"{page}: project {versus_sql:.2f}x raw SQL, {versus_peer:.2f}x PostGraphile "
            f"(per round: {', '.join(f'{r:.2f}' for r in rounds)})"
        )


if __name__ == "__main__":
    raise SystemExit(main())
