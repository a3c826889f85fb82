"""Is a certificate revoked? One OCSP check every signing method calls before it signs.

:func:`check_signer` asks an OCSP responder about a certificate and accepts only a fresh,
signed answer "good". A revoked or suspended certificate raises ``CertificateRevoked``; no
answer, an unsigned or stale one, or "unknown" raises ``RevocationUnavailable``: the check
never passes softly. The answer it returns is kept in the signed document (PAdES B-LT).

Where answers come from is a :class:`RevocationSource`: :class:`HttpOcsp` asks the responder
named in the certificate (Authority Information Access), or one configured URL;
:class:`DevelopmentOcsp` answers in-process for the development PKI with certomancer's own
responder (the same answers ``certomancer animate`` serves).
"""

from __future__ import annotations

import abc
import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import httpx
from asn1crypto import ocsp as asn1_ocsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

from signing.certificates import find_issuer, load_certificate
from signing.errors import CertificateRevoked, RevocationUnavailable
from signing.pki import CERTOMANCER_ARCH, DevelopmentPki

__all__ = [
    "DevelopmentOcsp",
    "HttpOcsp",
    "RevocationEvidence",
    "RevocationSource",
    "check_signer",
    "find_issuer",
]

_CLOCK_SKEW = dt.timedelta(minutes=5)
_MAX_AGE_WITHOUT_NEXT_UPDATE = dt.timedelta(minutes=15)
_CERTOMANCER_OCSP_LABEL = "root"


class RevocationSource(abc.ABC):
    """Where OCSP answers come from."""

    @abc.abstractmethod
    async def ask(self, certificate: x509.Certificate, request: bytes) -> bytes:
        """Send a DER OCSP request about ``certificate`` and return the DER response.

        Raises:
            RevocationUnavailable: No responder, or it did not answer.
        """


def responder_url(certificate: x509.Certificate) -> str | None:
    """The OCSP responder named in the certificate's Authority Information Access."""
    try:
        access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    except x509.ExtensionNotFound:
        return None
    for description in access.value:
        if description.access_method == AuthorityInformationAccessOID.OCSP and isinstance(
            description.access_location, x509.UniformResourceIdentifier
        ):
            return str(description.access_location.value)
    return None


class HttpOcsp(RevocationSource):
    """An OCSP responder over HTTP (RFC 6960 POST).

    Args:
        url: The responder to ask; ``None`` asks the one the certificate names (production).
        timeout: Seconds to wait for an answer.
        transport: An httpx transport (tests); the default opens real connections.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        timeout: float = 10,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self._transport = transport

    async def ask(self, certificate: x509.Certificate, request: bytes) -> bytes:
        url = self.url or responder_url(certificate)
        if url is None:
            raise RevocationUnavailable(detail="the certificate names no OCSP responder")
        try:
            async with httpx.AsyncClient(timeout=self.timeout, transport=self._transport) as client:
                response = await client.post(
                    url, content=request, headers={"Content-Type": "application/ocsp-request"}
                )
        except httpx.HTTPError as e:
            raise RevocationUnavailable(detail=f"{url}: {type(e).__name__}: {e}") from e
        if response.status_code != 200:
            raise RevocationUnavailable(detail=f"{url}: HTTP {response.status_code}")
        return response.content


@lru_cache(maxsize=4)
def _certomancer_arch(config: Path, modified: float) -> object:
    import yaml
    from certomancer.registry import ArchLabel, CertomancerConfig

    # Keys load when used: the responder needs its own, never the persons' (loading every
    # person's key would cost seconds per process once the PKI has issued a few hundred).
    return CertomancerConfig(
        yaml.safe_load(config.read_text()),
        key_search_dir=str(config.parent),
        config_search_dir=str(config.parent),
        lazy_load_keys=True,
    ).get_pki_arch(ArchLabel(CERTOMANCER_ARCH))


@lru_cache(maxsize=4)
def _loaded_root(pem: bytes) -> x509.Certificate:
    return load_certificate(pem)


class DevelopmentOcsp(RevocationSource):
    """The development PKI's OCSP responder, in-process (certomancer's responder and config).

    Args:
        pki: The development PKI; its ``revoked.json`` says what is revoked.
        others: Asked about certificates this PKI did not issue (e.g. a real ID-card while
            developing); without it they have no answer.
    """

    def __init__(self, pki: DevelopmentPki, others: RevocationSource | None = None) -> None:
        self.pki = pki
        self.others = others

    async def ask(self, certificate: x509.Certificate, request: bytes) -> bytes:
        root = _loaded_root(self.pki.root_certificate_pem)
        if find_issuer(certificate, [root]) is None:
            if self.others is None:
                raise RevocationUnavailable(detail="not issued by the development PKI")
            return await self.others.ask(certificate, request)
        config = self.pki.certomancer_config
        arch = _certomancer_arch(config, config.stat().st_mtime)
        responder = arch.service_registry.summon_responder(  # type: ignore[attr-defined]
            _CERTOMANCER_OCSP_LABEL, at_time=dt.datetime.now(dt.UTC).replace(microsecond=0)
        )
        try:
            answer = responder.build_ocsp_response(asn1_ocsp.OCSPRequest.load(request))
        except Exception as e:  # noqa: BLE001 - certomancer raises plain errors for unknown certs
            raise RevocationUnavailable(detail=f"{type(e).__name__}: {e}") from e
        return bytes(answer.dump())


@dataclass(frozen=True)
class RevocationEvidence:
    """A checked OCSP answer "good", kept in the document's DSS.

    Attributes:
        response: The DER OCSP response.
        responder_certificates: Certificates the response carries (DER each).
        produced_at: When the responder made it.
    """

    response: bytes
    responder_certificates: tuple[bytes, ...]
    produced_at: dt.datetime


_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def _signed_by(signer: x509.Certificate, basic: asn1_ocsp.BasicOCSPResponse) -> bool:
    algorithm = basic["signature_algorithm"]
    hash_class = _HASHES.get(algorithm.hash_algo)
    key = signer.public_key()
    data, signature = basic["tbs_response_data"].dump(), basic["signature"].native
    try:
        if hash_class is None:
            return False
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hash_class()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hash_class())
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def _delegated(
    basic: asn1_ocsp.BasicOCSPResponse, issuer: x509.Certificate
) -> list[x509.Certificate]:
    """Responder certificates in the answer that the issuer made for OCSP signing."""
    found = []
    for carried in basic["certs"] or ():
        candidate = x509.load_der_x509_certificate(carried.dump())
        try:
            usage = candidate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            continue
        if ExtendedKeyUsageOID.OCSP_SIGNING in usage and find_issuer(candidate, [issuer]):
            found.append(candidate)
    return found


def _check_answer(
    der: bytes,
    certificate: x509.Certificate,
    issuer: x509.Certificate,
    nonce: bytes,
    at: dt.datetime,
) -> RevocationEvidence:
    try:
        answer = asn1_ocsp.OCSPResponse.load(der)
        status = answer["response_status"].native
        if status != "successful":
            raise RevocationUnavailable(detail=f"responder said {status}")
        basic = answer.basic_ocsp_response
        answered_nonce = answer.nonce_value.native if answer.nonce_value is not None else None
        tbs = basic["tbs_response_data"]
        singles = list(tbs["responses"])
    except (ValueError, TypeError, KeyError) as e:
        raise RevocationUnavailable(detail=f"not an OCSP response: {e}") from e
    responders = [issuer, *_delegated(basic, issuer)]
    if not any(_signed_by(responder, basic) for responder in responders):
        raise RevocationUnavailable(detail="the answer's signature does not verify")
    if answered_nonce is not None and answered_nonce != nonce:
        raise RevocationUnavailable(detail="the answer is for another request (nonce)")
    single = next(
        (r for r in singles if r["cert_id"]["serial_number"].native == certificate.serial_number),
        None,
    )
    if single is None:
        raise RevocationUnavailable(detail="the answer is about another certificate")
    this_update: dt.datetime = single["this_update"].native
    next_update: dt.datetime | None = single["next_update"].native
    if this_update > at + _CLOCK_SKEW:
        raise RevocationUnavailable(detail=f"the answer is from the future: {this_update}")
    if next_update is not None and next_update < at - _CLOCK_SKEW:
        raise RevocationUnavailable(detail=f"the answer is stale: next update {next_update}")
    unbounded = next_update is None and answered_nonce is None
    if unbounded and at - this_update > _MAX_AGE_WITHOUT_NEXT_UPDATE:
        raise RevocationUnavailable(detail=f"the answer is stale: {this_update}")
    cert_status = single["cert_status"]
    if cert_status.name == "revoked":
        reason = cert_status.chosen["revocation_reason"].native
        raise CertificateRevoked(
            "SUSPENDED" if reason == "certificate_hold" else "REVOKED",
            detail=f"since {cert_status.chosen['revocation_time'].native}, reason {reason}",
        )
    if cert_status.name != "good":
        raise RevocationUnavailable(detail="the responder does not know the certificate")
    return RevocationEvidence(
        response=der,
        responder_certificates=tuple(c.dump() for c in basic["certs"] or ()),
        produced_at=tbs["produced_at"].native,
    )


async def check_signer(
    certificate: bytes | x509.Certificate,
    *,
    issuers: Sequence[bytes | x509.Certificate],
    source: RevocationSource,
    at: dt.datetime | None = None,
) -> RevocationEvidence:
    """Ask OCSP whether ``certificate`` is revoked; pass only on a fresh, signed "good".

    Args:
        certificate: The certificate to check (DER or PEM, or parsed).
        issuers: Candidate issuer certificates (e.g. the trust anchors); the one that
            issued ``certificate`` is found by name and signature.
        source: Where to ask.
        at: The moment the answer must be valid at (default: now).

    Returns:
        The checked answer, to embed in the document.

    Raises:
        CertificateRevoked: REVOKED or SUSPENDED (certificate hold).
        RevocationUnavailable: No issuer known, no answer, or an answer that cannot be
            trusted (unsigned, stale, for another request, "unknown").
    """
    cert = (
        certificate if isinstance(certificate, x509.Certificate) else load_certificate(certificate)
    )
    candidates = [c if isinstance(c, x509.Certificate) else load_certificate(c) for c in issuers]
    issuer = find_issuer(cert, candidates)
    if issuer is None:
        raise RevocationUnavailable(detail=f"issuer not known: {cert.issuer.rfc4514_string()}")
    nonce = secrets.token_bytes(16)
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(cert, issuer, hashes.SHA1())  # noqa: S303 - CertID hash (RFC 5019)
        .add_extension(x509.OCSPNonce(nonce), critical=False)
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    answer = await source.ask(cert, request)
    return _check_answer(answer, cert, issuer, nonce, at or dt.datetime.now(dt.UTC))
