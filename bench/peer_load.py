"""Load for bench.peer: wrk (or httpx when wrk is missing) against one URL, and the CPU the
server process (with its children) spent meanwhile."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import tempfile
import time

import httpx

from bench.load import _cpu_of, _tree


def wrk(
    url: str, body: bytes, headers: dict[str, str], seconds: float, concurrency: int
) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        extra = "".join(f'wrk.headers["{k}"] = [==[{v}]==]\n' for k, v in headers.items())
        script.write(
            f'wrk.method = "POST"\nwrk.body = [==[{body.decode()}]==]\n'
            f'wrk.headers["Content-Type"] = "application/json"\n{extra}'
        )
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{concurrency}", f"-d{round(seconds)}s", "--latency",
             "--timeout", "30s", "-s", script.name, url],
            capture_output=True, text=True, timeout=seconds + 60,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {
        q: float(value) * scale[unit]
        for q, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)", out, re.M)
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": latency.get("50", float("nan")),
        "p99": latency.get("99", float("nan")),
        "errors": float(non_2xx.group(1)) if non_2xx else 0.0,
    }


async def httpx_load(
    url: str, body: bytes, headers: dict[str, str], seconds: float, concurrency: int
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(headers={**headers, "Content-Type": "application/json"}) as client:
        until = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < until:
                started = time.perf_counter()
                response = await client.post(url, content=body)
                latencies.append(time.perf_counter() - started)
                errors += response.status_code != 200

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        took = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / took,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000,
        "errors": float(errors),
    }


def tree_cpu(pid: int) -> float:
    return sum(_cpu_of(p) for p in _tree(pid))


def measure(
    target: tuple[str, bytes, dict[str, str]], pid: int, args: argparse.Namespace
) -> dict[str, float]:
    url, body, headers = target
    cpu, started = tree_cpu(pid), time.monotonic()
    if shutil.which("wrk"):
        result = wrk(url, body, headers, args.seconds, args.concurrency)
    else:
        result = asyncio.run(httpx_load(url, body, headers, args.seconds, args.concurrency))
    result["cpu"] = (tree_cpu(pid) - cpu) / (time.monotonic() - started)
    return result
