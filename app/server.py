"""Serving with several worker processes, each with its own listening socket.

Why not `uvicorn --workers N`: uvicorn 0.54 binds the shared socket with protocol 0, the
accepted sockets inherit it, asyncio leaves Nagle's algorithm on, and every keep-alive
response then waits ~40 ms for the client's delayed ACK (Kludex/uvicorn#3149). And on one
shared socket the worker that wakes first tends to accept every pending connection. Here each
worker binds its own TCP socket with SO_REUSEPORT and the kernel spreads the connections.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
from typing import Any

import uvicorn


def _worker(app: str, host: str, port: int, options: dict[str, Any]) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    config = uvicorn.Config(app, factory=True, host=host, port=port, **options)
    uvicorn.Server(config).run(sockets=[sock])


def serve_workers(app: str, *, host: str, port: int, workers: int, **options: Any) -> None:
    """Run `workers` processes serving the app factory `app` ("module:function"). SIGTERM or
    SIGINT is passed on to every worker, each of which finishes its requests and stops."""
    spawn = multiprocessing.get_context("spawn")
    processes = [
        spawn.Process(target=_worker, args=(app, host, port, options)) for _ in range(workers)
    ]
    for process in processes:
        process.start()

    def stop(*_: Any) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.join()
