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

__all__ = ["free_port", "running_tsa", "served_ocsp_url", "stop_process", "wait_until_listening"]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def served_ocsp_url(tsa_url: str) -> str:
    """The OCSP responder certomancer serves beside the TSA at ``tsa_url`` (same port)."""
    return tsa_url.replace(f"/tsa/{CERTOMANCER_TSA}", f"/ocsp/{CERTOMANCER_OCSP}")


def wait_until_listening(
    process: subprocess.Popen[bytes], port: int, seconds: float, name: str
) -> None:
    """Wait for a server process to listen on a loopback port.

    Raises:
        SigningError: The process exited or did not listen within ``seconds``.
    """
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise SigningError(detail=f"{name} exited: {stderr[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError as error:
            if time.monotonic() > deadline:
                raise SigningError(detail=f"{name} did not start listening") from error
            time.sleep(0.1)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server process (kill it if it does not stop in 10 s)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stderr is not None:
        process.stderr.close()


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
        wait_until_listening(process, port, startup_seconds, "certomancer")
        yield f"http://127.0.0.1:{port}/{CERTOMANCER_ARCH}/tsa/{CERTOMANCER_TSA}"
    finally:
        stop_process(process)
