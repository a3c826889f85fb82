"""uvicorn for the benchmark; with several workers, one SO_REUSEPORT socket per worker.

    python -m bench.serve --port N [--workers W]

Why not plain `uvicorn --workers N` (still available: `read_graph --stock-uvicorn`):

* uvicorn 0.54 binds the shared listening socket with `proto` 0; accepted sockets inherit it,
  asyncio then leaves Nagle's algorithm on, and each keep-alive response waits ~40 ms for the
  client's delayed ACK (Kludex/uvicorn#3149).
* On one shared socket, asyncio accepts every pending connection in one go, so the worker
  that wakes first often takes all of the benchmark's keep-alive connections and the other
  one idles. A socket per worker with SO_REUSEPORT lets the kernel spread them.

Each worker is an ordinary `uvicorn.Server` serving `bench.server:create_bench_app`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import signal
import socket
from typing import Any

import uvicorn

APP = "bench.server:create_bench_app"


def _config(host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        APP, factory=True, host=host, port=port, log_level="warning", access_log=False
    )


def _worker(host: str, port: int) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    uvicorn.Server(_config(host, port)).run(sockets=[sock])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if args.workers == 1:
        uvicorn.Server(_config(args.host, args.port)).run()  # proto is TCP on this path
        return
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=_worker, args=(args.host, args.port), daemon=False)
        for _ in range(args.workers)
    ]
    for process in workers:
        process.start()

    def stop(*_: Any) -> None:
        for process in workers:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in workers:
        process.join()


if __name__ == "__main__":
    main()
