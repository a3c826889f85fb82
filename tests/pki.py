"""The test PKI and a real timestamp authority: certomancer serving the development PKI's TSA
over HTTP on loopback, as `eksamihaldus pki init` documents for development."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

from signing.pki import CERTOMANCER_ARCH, CERTOMANCER_TSA, DevelopmentPki


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_tsa(pki: DevelopmentPki) -> Iterator[str]:
    """Start certomancer's TSA for `pki`; yields its URL and stops it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "certomancer",
            "--config",
            str(pki.certomancer_config),
            "animate",
            "--aiohttp",
            "--port",
            str(port),
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=pki.directory,
    )
    url = f"http://127.0.0.1:{port}/{CERTOMANCER_ARCH}/tsa/{CERTOMANCER_TSA}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"certomancer exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
        if process.stderr is not None:
            process.stderr.close()
