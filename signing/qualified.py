"""Qualified certificates: the ETSI EN 319 412-5 QCStatements a qualified signature needs.

A certificate is qualified here when its QCStatements extension (RFC 3739) holds
QcCompliance (the EU qualified certificate statement) and QcSSCD (the key is in a qualified
signature creation device), as on Estonian ID-card, Mobile-ID and Smart-ID (QUALIFIED)
signing certificates.
"""

from __future__ import annotations

from asn1crypto import core
from cryptography import x509

__all__ = ["QC_COMPLIANCE", "QC_SSCD", "qc_statements_extension", "qc_statement_ids"]

QC_STATEMENTS = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3")
QC_COMPLIANCE = "0.4.0.1862.1.1"
QC_SSCD = "0.4.0.1862.1.4"


class _QcStatement(core.Sequence):
    _fields = [
        ("statement_id", core.ObjectIdentifier),
        ("statement_info", core.Any, {"optional": True}),
    ]


class _QcStatements(core.SequenceOf):
    _child_spec = _QcStatement


def qc_statements_extension(*statement_ids: str) -> x509.UnrecognizedExtension:
    """A QCStatements extension with the given statements (no statement info)."""
    value = _QcStatements([{"statement_id": oid} for oid in statement_ids])
    return x509.UnrecognizedExtension(QC_STATEMENTS, value.dump())


def qc_statement_ids(cert: x509.Certificate) -> frozenset[str]:
    """The statement ids of the certificate's QCStatements (empty if it has none).

    Raises:
        ValueError: The extension cannot be parsed.
    """
    try:
        extension = cert.extensions.get_extension_for_oid(QC_STATEMENTS)
    except x509.ExtensionNotFound:
        return frozenset()
    raw = extension.value
    der = raw.value if isinstance(raw, x509.UnrecognizedExtension) else raw.public_bytes()
    parsed = _QcStatements.load(der)
    return frozenset(str(statement["statement_id"].dotted) for statement in parsed)
