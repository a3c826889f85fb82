"""Serving: one process, or several worker processes each with its own listening socket.

Why not `uvicorn --workers N`: uvicorn 0.54 binds the shared socket with protocol 0, the
accepted sockets inherit it, asyncio leaves Nagle's algorithm on, and every keep-alive
response then waits ~40 ms for the client's delayed ACK (Kludex/uvicorn#3149). And on one
shared socket the worker that wakes first tends to accept every pending connection. Here each
worker binds its own TCP socket with SO_REUSEPORT and the kernel spreads the connections.

SIGTERM or SIGINT stops accepting connections, lets the requests in flight finish (at most
`timeout_graceful_shutdown` seconds), runs the application's shutdown (the mail worker
finishes the message in hand) and exits 0. uvicorn itself re-raises the signal after a clean
shutdown, so an orchestrator would see a process killed by SIGTERM; `GracefulServer` does not.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

import uvicorn

log = logging.getLogger("eksamihaldus")

STARTUP_FAILURE = 3  # uvicorn's exit code when the application did not start
METRICS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus_client at import


class GracefulServer(uvicorn.Server):
    """uvicorn's server, which exits normally after a shutdown asked for by a signal."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        originals = {
            number: signal.signal(number, self.handle_exit)
            for number in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield
        finally:
            for number, handler in originals.items():
                signal.signal(number, handler)


def serve_one(app: Any, **options: Any) -> int:
    """Serve `app` in this process until SIGTERM or SIGINT; the exit code."""
    server = GracefulServer(uvicorn.Config(app, **options))
    server.run()
    return 0 if server.started else STARTUP_FAILURE


def _worker(app: str, host: str, port: int, options: dict[str, Any]) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    config = uvicorn.Config(app, factory=True, host=host, port=port, **options)
    server = GracefulServer(config)
    server.run(sockets=[sock])
    sys.exit(0 if server.started else STARTUP_FAILURE)


@contextlib.contextmanager
def shared_metrics_directory() -> Iterator[str]:
    """The directory where the worker processes keep their metrics (prometheus_client's
    multiprocess mode): `PROMETHEUS_MULTIPROC_DIR` emptied of an earlier run's files, or a
    new temporary one, removed afterwards. Set before any worker imports prometheus_client."""
    given = os.environ.get(METRICS_DIRECTORY)
    if given:
        os.makedirs(given, exist_ok=True)
        for name in os.listdir(given):
            if name.endswith(".db"):
                os.remove(os.path.join(given, name))
        yield given
        return
    directory = tempfile.mkdtemp(prefix="eksamihaldus-metrics-")
    os.environ[METRICS_DIRECTORY] = directory
    try:
        yield directory
    finally:
        del os.environ[METRICS_DIRECTORY]
        shutil.rmtree(directory, ignore_errors=True)


def serve_workers(app: str, *, host: str, port: int, workers: int, **options: Any) -> int:
    """Run `workers` processes serving the app factory `app` ("module:function") until
    SIGTERM or SIGINT, which is passed on to every worker. If a worker ends on its own, the
    others are stopped too and the exit code is 1, so that the orchestrator starts anew."""
    spawn = multiprocessing.get_context("spawn")
    processes = [
        spawn.Process(target=_worker, args=(app, host, port, options)) for _ in range(workers)
    ]
    stopping = False

    def stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.start()
    running = list(processes)
    while running:
        ended = multiprocessing.connection.wait([process.sentinel for process in running])
        for process in [process for process in running if process.sentinel in ended]:
            process.join()
            running.remove(process)
            if not stopping:
                log.error(
                    "worker process %s ended with exit code %s: stopping the others",
                    process.pid,
                    process.exitcode,
                )
                stop()
    return 0 if all(process.exitcode == 0 for process in processes) else 1
