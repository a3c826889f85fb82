"""Where signature timestamps come from: an RFC 3161 TSA over HTTP, or the dev PKI in-process."""

from __future__ import annotations

import aiohttp
from asn1crypto import keys, x509
from pyhanko.sign.timestamps import DummyTimeStamper, HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing._issuing import pem_to_der
from signing.pki import Credentials, DevelopmentPki

__all__ = ["TimeStamper", "http_timestamper", "local_timestamper"]


def http_timestamper(
    url: str, session: aiohttp.ClientSession | None = None, *, timeout: float = 10
) -> TimeStamper:
    """A client of an RFC 3161 time-stamping authority.

    Args:
        url: The TSA endpoint, e.g. ``http://127.0.0.1:9000/eksamihaldus/tsa/tsa``.
        session: Session to send requests with; without one, a session is opened and closed
            for each request.
        timeout: Seconds to wait for the TSA.

    Returns:
        A pyHanko time stamper. Failures surface from signing as ``TimestampUnavailable``.
    """
    return HTTPTimeStamper(url, timeout=timeout, session=session)


def local_timestamper(pki: DevelopmentPki, tsa: Credentials | None = None) -> TimeStamper:
    """An in-process TSA using the development PKI's TSA key, for a first run without a server.

    Args:
        pki: The development PKI whose TSA certificate and key sign the tokens.
        tsa: Another TSA key of the PKI (:meth:`DevelopmentPki.next_tsa`); default its first.

    Returns:
        A pyHanko time stamper whose tokens chain to the PKI's root.
    """
    credentials = tsa or pki.tsa()
    tsa_cert = x509.Certificate.load(pem_to_der(credentials.certificate_pem))
    tsa_key = keys.PrivateKeyInfo.load(pem_to_der(credentials.private_key_pem))
    chain = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    chain.register_multiple(
        [x509.Certificate.load(pem_to_der(pem)) for pem in credentials.chain_pem]
    )
    return DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key, certs_to_embed=chain)
