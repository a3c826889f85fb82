"""Serving the development PKI's timestamp authority (and OCSP, CRL) over HTTP with certomancer.

For development and tests: ``certomancer --config <pki>/certomancer.yml animate --aiohttp``
answers RFC 3161 requests at ``/<arch>/tsa/<label>`` with the PKI's own TSA certificate.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from signing.errors import SigningError
from signing.pki import CERTOMANCER_ARCH, CERTOMANCER_OCSP, CERTOMANCER_TSA, DevelopmentPki

__all__ = ["free_port", "running_tsa", "served_ocsp_url"]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def served_ocsp_url(tsa_url: str) -> str:
    """The OCSP responder certomancer serves beside the TSA at ``tsa_url`` (same port)."""
    return tsa_url.replace(f"/tsa/{CERTOMANCER_TSA}", f"/ocsp/{CERTOMANCER_OCSP}")


@contextmanager
def running_tsa(pki: DevelopmentPki, *, startup_seconds: float = 20) -> Iterator[str]:
    """Start certomancer's TSA for ``pki`` on a free loopback port.

    Args:
        pki: The development PKI whose TSA answers.
        startup_seconds: How long to wait for the server to listen.

    Yields:
        The TSA's URL; the server stops when the block ends.

    Raises:
        SigningError: certomancer exited or did not start listening in time.
    """
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "certomancer", "--config", str(pki.certomancer_config),
            "animate", "--aiohttp", "--port", str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + startup_seconds
        while True:
            if process.poll() is not None:
                stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise SigningError(detail=f"certomancer exited: {stderr[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError as error:
                if time.monotonic() > deadline:
                    raise SigningError(detail="certomancer did not start listening") from error
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/{CERTOMANCER_ARCH}/tsa/{CERTOMANCER_TSA}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
