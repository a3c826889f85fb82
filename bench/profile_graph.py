"""Where GraphQL time goes: profile requests run in-process through the ASGI app.

    python -m bench.profile_graph [--database-url ...] [--page exam|school] [--requests 40]
                                  [--profiler cprofile|pyinstrument]

Needs the data set of `python -m bench.read_graph` (run that first; this one only reads).
Requests go through httpx.ASGITransport one at a time, so the profile holds the app's work
(auth, parsing, validation, execution, serialisation) and the database driver, no HTTP server.
cProfile prints the functions with the most own time and the largest cumulative ones;
pyinstrument (`pip install pyinstrument`, not a project dependency) prints its call tree.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import tempfile
import time
from pathlib import Path

import httpx

from app import db
from app.asgi import create_app
from app.auth import issue_token, load_key_ring
from app.settings import Settings
from bench import dataset
from bench.queries import EXAM_PAGE, SCHOOL_LIST
from models.enums import Role
from schema.node import to_global_id


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/eh_bench")
    parser.add_argument("--page", choices=["exam", "school"], default="exam")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--profiler", choices=["cprofile", "pyinstrument"], default="cprofile")
    parser.add_argument("--top", type=int, default=30, help="rows of the cProfile listing")
    parser.add_argument("--dump", type=Path, help="also save the cProfile stats to this file")
    return parser.parse_args()


async def main_async(args: argparse.Namespace) -> None:
    await db.connect(args.database_url)
    handles = await dataset.find(not args.database_url.startswith("sqlite"))
    with tempfile.TemporaryDirectory(prefix="eh-profile-") as tmp:
        settings = Settings(
            database_url=args.database_url, jwt_private_key_file=Path(tmp) / "jwt.pem"
        )
        token = issue_token(
            load_key_ring(settings),
            settings,
            person_id=handles.school_user_id,
            role=Role.SCHOOL,
            organisation_id=handles.school_id,
        )
        app = create_app(settings, migrate=False, demo=False)
        if args.page == "exam":
            body = {
                "query": EXAM_PAGE,
                "variables": {"id": to_global_id("Exam", handles.exam_page_id)},
            }
        else:
            body = {"query": SCHOOL_LIST, "variables": {"first": 20}}
        headers = {"Authorization": f"Bearer {token}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def requests(n: int) -> None:
                for _ in range(n):
                    response = await client.post("/graphql", json=body, headers=headers)
                    if response.status_code != 200 or b'"errors"' in response.content:
                        raise SystemExit(response.text[:1000])

            await requests(5)  # warm the parser and validation caches
            started = time.perf_counter()
            await requests(args.requests)
            plain = (time.perf_counter() - started) / args.requests
            print(f"{args.page} page, unprofiled: {plain * 1000:.1f} ms per request in-process")
            if args.profiler == "pyinstrument":
                from pyinstrument import Profiler

                profiler = Profiler(async_mode="disabled")
                profiler.start()
                await requests(args.requests)
                profiler.stop()
                print(profiler.output_text(unicode=True, color=False, show_all=False))
            else:
                profile = cProfile.Profile()
                profile.enable()
                await requests(args.requests)
                profile.disable()
                if args.dump:
                    profile.dump_stats(args.dump)
                for order in ("tottime", "cumulative"):
                    out = io.StringIO()
                    stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order)
                    stats.print_stats(args.top)
                    print(f"--- by {order} ---")
                    print(out.getvalue().split("\n\n", 2)[-1])
    await db.close()


def main() -> None:
    asyncio.run(main_async(parse_args()))


if __name__ == "__main__":
    main()
