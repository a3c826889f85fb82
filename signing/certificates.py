"""Reading and checking a signer's certificate before a signing session starts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from signing._issuing import pem_to_der
from signing.errors import CertificateRejected
from signing.qualified import QC_COMPLIANCE, QC_SSCD, qc_statement_ids

__all__ = [
    "SignerCertificate",
    "check_usable",
    "display_name",
    "find_issuer",
    "key_type",
    "personal_code",
    "read_signing_certificate",
]

_PERSONAL_CODE_PREFIX = "PNOEE-"


@dataclass(frozen=True)
class SignerCertificate:
    """What the application needs to know about a signer's certificate.

    Attributes:
        subject: RFC 4514 string.
        serial: Serial number, hex.
        common_name: The subject CN (``"MAASIKAS,MARI,38001085718"`` on ID-cards).
        personal_code: From serialNumber ``PNOEE-<code>``; ``None`` for other identifiers.
        not_before: Start of validity (UTC).
        not_after: End of validity (UTC).
        key_type: ``"ec-p256"``, ``"ec-p384"`` or ``"rsa"``.
    """

    subject: str
    serial: str
    common_name: str
    personal_code: str | None
    not_before: dt.datetime
    not_after: dt.datetime
    key_type: str


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def personal_code(cert: x509.Certificate) -> str | None:
    """The Estonian personal code in the subject serialNumber (``PNOEE-...``), if any."""
    serial_number = _attribute(cert.subject, NameOID.SERIAL_NUMBER)
    if serial_number and serial_number.startswith(_PERSONAL_CODE_PREFIX):
        return serial_number.removeprefix(_PERSONAL_CODE_PREFIX)
    return None


def display_name(cert: x509.Certificate | asn1_x509.Certificate) -> str:
    """A name to show: "Mari Maasikas" for a person, the CN or organisation otherwise."""
    if isinstance(cert, asn1_x509.Certificate):
        cert = x509.load_der_x509_certificate(cert.dump())
    given, surname = (
        _attribute(cert.subject, NameOID.GIVEN_NAME),
        _attribute(cert.subject, NameOID.SURNAME),
    )
    if given and surname:
        return f"{given.title()} {surname.title()}"
    return (
        _attribute(cert.subject, NameOID.COMMON_NAME)
        or _attribute(cert.subject, NameOID.ORGANIZATION_NAME)
        or cert.subject.rfc4514_string()
    )


def key_type(cert: x509.Certificate) -> str | None:
    """``"ec-p256"``, ``"ec-p384"``, ``"rsa"`` (2048 bits or more), or ``None`` if unsupported."""
    public_key = cert.public_key()
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return {"secp256r1": "ec-p256", "secp384r1": "ec-p384"}.get(public_key.curve.name)
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size >= 2048:
        return "rsa"
    return None


def load_certificate(data: bytes) -> x509.Certificate:
    """Parse a DER (or PEM) certificate; raises CertificateRejected MALFORMED."""
    try:
        return x509.load_der_x509_certificate(pem_to_der(data))
    except ValueError as e:
        raise CertificateRejected("MALFORMED", detail=str(e)) from e


def find_issuer(
    certificate: x509.Certificate, candidates: Sequence[x509.Certificate]
) -> x509.Certificate | None:
    """The candidate that issued ``certificate`` (name and signature checked), if any."""
    for candidate in candidates:
        if candidate.subject != certificate.issuer:
            continue
        try:
            certificate.verify_directly_issued_by(candidate)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return candidate
    return None


def check_usable(cert: x509.Certificate, at: dt.datetime) -> None:
    """Validity at ``at`` and the nonRepudiation key usage; raises CertificateRejected."""
    if at < cert.not_valid_before_utc:
        raise CertificateRejected("NOT_YET_VALID", detail=cert.not_valid_before_utc.isoformat())
    if at > cert.not_valid_after_utc:
        raise CertificateRejected("EXPIRED", detail=cert.not_valid_after_utc.isoformat())
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        raise CertificateRejected("KEY_USAGE", detail="no key usage extension") from None
    except ValueError as e:
        raise CertificateRejected("MALFORMED", detail=str(e)) from e
    if not usage.content_commitment:
        raise CertificateRejected("KEY_USAGE", detail="no nonRepudiation")


def check_qualified(cert: x509.Certificate) -> None:
    """A qualified signature needs a qualified certificate on a QSCD; raises
    CertificateRejected(NOT_QUALIFIED) otherwise."""
    try:
        statements = qc_statement_ids(cert)
    except ValueError as e:
        raise CertificateRejected("MALFORMED", detail=f"QCStatements: {e}") from e
    if not {QC_COMPLIANCE, QC_SSCD} <= statements:
        raise CertificateRejected("NOT_QUALIFIED", detail=f"QCStatements {sorted(statements)}")


def read_signing_certificate(
    certificate_der: bytes, *, trust_roots: Sequence[bytes], at: dt.datetime
) -> SignerCertificate:
    """Check that a certificate may sign a protocol, and describe it.

    Every certificate in ``trust_roots`` is a trust anchor: pass the issuing CAs (e.g.
    ESTEID2018) as well as roots, as the signer certificate must be issued directly by one.

    Args:
        certificate_der: The signer's certificate, DER (PEM accepted).
        trust_roots: Trusted CA certificates, PEM or DER each.
        at: The moment the certificate must be valid at (timezone-aware).

    Returns:
        The certificate's description.

    Raises:
        CertificateRejected: With reason MALFORMED, UNTRUSTED, EXPIRED, NOT_YET_VALID,
            KEY_USAGE or UNSUPPORTED_KEY.
    """
    cert = load_certificate(certificate_der)
    anchors = [load_certificate(root) for root in trust_roots]
    if find_issuer(cert, anchors) is None:
        raise CertificateRejected("UNTRUSTED", detail=cert.issuer.rfc4514_string())
    check_usable(cert, at)
    kind = key_type(cert)
    if kind is None:
        raise CertificateRejected("UNSUPPORTED_KEY", detail=type(cert.public_key()).__name__)
    return SignerCertificate(
        subject=cert.subject.rfc4514_string(),
        serial=format(cert.serial_number, "x"),
        common_name=_attribute(cert.subject, NameOID.COMMON_NAME) or "",
        personal_code=personal_code(cert),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key_type=kind,
    )
