"""The server subprocess and the load generator.

The server is uvicorn in its own process (`bench.server:create_bench_app`, started by
bench/serve.py, or by plain `uvicorn` when `stock`), on a free loopback port. The load is N
asyncio tasks sharing one httpx.AsyncClient, each sending one request after another for a
fixed time after a short warm-up. CPU time of the server, this client and PostgreSQL is read
from /proc, so a saturated client or database shows up in the figures instead of hiding.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """uvicorn serving the bench app; stopped (only this process group) on exit."""

    def __init__(
        self,
        *,
        database_url: str,
        key_file: Path,
        workers: int,
        env: dict[str, str],
        stock: bool = False,
        log: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "bench.serve", f"--port={self.port}"]
        command.append(f"--workers={workers}")
        if stock:  # plain uvicorn: with workers > 1 it loses TCP_NODELAY (see bench/serve.py)
            command = [
                sys.executable, "-m", "uvicorn", "bench.server:create_bench_app", "--factory",
                "--host=127.0.0.1", f"--port={self.port}", f"--workers={workers}",
                "--log-level=warning", "--no-access-log",
            ]  # fmt: skip
        environment = {
            **os.environ,
            **env,
            "DATABASE_URL": database_url,
            "EH_JWT_PRIVATE_KEY_FILE": str(key_file),
            "EH_DEMO_DATA": "false",
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        # Its output goes to `log` when given (wrk ends runs with requests in flight, which
        # uvicorn reports as errors).
        output = log.open("w") if log is not None else None
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=environment,
            start_new_session=True,
            stdout=output,
            stderr=subprocess.STDOUT if output is not None else None,
        )

    async def wait_ready(self, limit_seconds: float = 30.0) -> None:
        deadline = time.monotonic() + limit_seconds
        async with httpx.AsyncClient(base_url=self.url) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise SystemExit(f"the server exited with {self.process.returncode}")
                try:
                    if (await client.get("/health")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise SystemExit("the server did not become ready")

    def cpu_seconds(self) -> dict[int, float]:
        """User + system CPU of the server process and all its descendants (workers)."""
        return {pid: _cpu_of(pid) for pid in _tree(self.process.pid)}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def database_cpu_seconds() -> dict[int, float]:
    """CPU of every local PostgreSQL process (a read-only look at /proc; none for SQLite)."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                name = Path(f"/proc/{entry}/comm").read_text().strip()
            except OSError:
                continue
            if name == "postgres":
                found[int(entry)] = _cpu_of(int(entry))
    return found


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings by processes alive at the second (new ones in full)."""
    return sum(max(0.0, cpu - before.get(pid, 0.0)) for pid, cpu in after.items())


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()


def _cpu_of(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / _TICKS if fields else 0.0


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


@dataclass
class Result:
    name: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    response_bytes: int = 0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    database_cpu: float = 0.0
    first_error: str | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def is_error(response: httpx.Response) -> bool:
    return response.status_code != 200 or b'"errors"' in response.content


async def run(
    client: httpx.AsyncClient,
    server: Server,
    name: str,
    path: str,
    body: dict[str, Any] | None,
    *,
    seconds: float,
    warmup: float,
    concurrency: int,
) -> Result:
    """Send requests from `concurrency` tasks for `warmup`, then measure for `seconds`."""
    result = Result(name)

    async def worker(until: float, record: bool) -> None:
        while time.perf_counter() < until:
            started = time.perf_counter()
            response = await client.post(path, json=body)
            elapsed = time.perf_counter() - started
            if not record:
                continue
            result.requests += 1
            result.latencies.append(elapsed)
            result.response_bytes = len(response.content)
            if is_error(response):
                result.errors += 1
                result.first_error = result.first_error or response.text[:500]

    if warmup > 0:
        until = time.perf_counter() + warmup
        await asyncio.gather(*(worker(until, False) for _ in range(concurrency)))
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    database_cpu = database_cpu_seconds()
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(worker(until, True) for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    result.server_cpu = _spent(server_cpu, server.cpu_seconds()) / result.seconds
    result.client_cpu = (time.process_time() - client_cpu) / result.seconds
    result.database_cpu = _spent(database_cpu, database_cpu_seconds()) / result.seconds
    return result
