"""uvicorn for the benchmark, as `eksamihaldus serve` runs it.

    python -m bench.serve --port N [--workers W]

With several workers it uses app.server.serve_workers (one SO_REUSEPORT socket per worker;
see that module for why not `uvicorn --workers`); `read_graph --stock-uvicorn` still runs
plain uvicorn for comparison.
"""

from __future__ import annotations

import argparse

import uvicorn

from app.server import serve_workers

APP = "bench.server:create_bench_app"


def _config(host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        APP, factory=True, host=host, port=port, log_level="warning", access_log=False
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if args.workers == 1:
        uvicorn.Server(_config(args.host, args.port)).run()
        return
    serve_workers(
        APP,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
