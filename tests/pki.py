"""The session's real timestamp authority: certomancer serving the test PKI's TSA on loopback."""

from __future__ import annotations

from collections.abc import Iterator

from signing.pki import DevelopmentPki
from signing.tsa_server import free_port, running_tsa

__all__ = ["free_port", "serve_tsa"]


def serve_tsa(pki: DevelopmentPki) -> Iterator[str]:
    with running_tsa(pki) as url:
        yield url
