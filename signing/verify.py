"""Verifying the signatures of a PDF against a set of trust roots (pyHanko validation)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from signing._issuing import pem_to_der
from signing.certificates import display_name, personal_code
from signing.errors import DocumentUnreadable
from signing.modifications import (
    DIFF_POLICY,
    adds_validation_data,
    only_validation_data_after,
)

__all__ = ["LEVELS", "SignatureReport", "VerificationReport", "verify_document"]

LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
"""PAdES baseline levels, lowest first."""

logger = logging.getLogger(__name__)

_UNCHANGED = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
"""After a locking signature: nothing, or validation data and document timestamps only."""
_SIGNING_ONLY = (*_UNCHANGED, ModificationLevel.FORM_FILLING)
"""After any other signature: also signature fields filled in (see ``signing.modifications``)."""


@dataclass(frozen=True)
class SignatureReport:
    """The verdict on one signature.

    Attributes:
        field_name: The signature field.
        signer_name: Person's name or the organisation/common name.
        signer_personal_code: From ``PNOEE-<code>`` in the certificate, if any.
        signing_time: Time claimed by the signer.
        timestamp_time: Time in the signature timestamp token, ``None`` if absent.
        intact: The digest matches the signed byte ranges and the signature value verifies.
        trusted: The signer certificate chains to a trusted root and the timestamp token
            (if any) is valid and trusted.
        covers_whole_document: No bytes follow this signature's revision.
        modified_after: The document was changed after this signature by more than signing
            its signature fields, or, after a locking signature, by more than validation
            data and document timestamps (``signing.modifications``).
        level: ``"B-B"``, ``"B-T"``, ``"B-LT"`` or ``"B-LTA"``.
    """

    field_name: str
    signer_name: str
    signer_personal_code: str | None
    signing_time: dt.datetime | None
    timestamp_time: dt.datetime | None
    intact: bool
    trusted: bool
    covers_whole_document: bool
    modified_after: bool
    level: str


@dataclass(frozen=True)
class VerificationReport:
    """The verdict on a document.

    Attributes:
        signatures: One report per signature, in signing order.
        problem: ``None`` or ``"NO_SIGNATURES"``.
    """

    signatures: tuple[SignatureReport, ...]
    problem: str | None

    @property
    def level(self) -> str | None:
        """The document's PAdES level: the lowest of its signatures', ``None`` if unsigned."""
        if not self.signatures:
            return None
        return min((s.level for s in self.signatures), key=LEVELS.index)

    @property
    def valid(self) -> bool:
        """At least one signature, and every one intact, trusted and not modified after."""
        return bool(self.signatures) and all(
            s.intact and s.trusted and not s.modified_after for s in self.signatures
        )


def _open(pdf: bytes, max_bytes: int) -> PdfFileReader:
    if len(pdf) > max_bytes:
        raise DocumentUnreadable("TOO_LARGE", detail=f"{len(pdf)} > {max_bytes} bytes")
    if b"%PDF-" not in pdf[:1024]:
        raise DocumentUnreadable("NOT_A_PDF")
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        encrypted = reader.encrypted
    except Exception as e:  # pyHanko raises many kinds on damaged input
        raise DocumentUnreadable("CORRUPT", detail=f"{type(e).__name__}: {e}") from e
    if encrypted:
        raise DocumentUnreadable("ENCRYPTED")
    return reader


def _level(status: PdfSignatureStatus, reader: PdfFileReader, revision: int) -> str:
    """B-LT needs validation data added after the signature, B-LTA also a later archive
    timestamp (a ``/DSS`` written before the signature cannot hold its revocation data)."""
    if status.timestamp_validity is None:
        return "B-B"
    later = range(revision + 1, reader.xrefs.total_revisions)
    if not any(adds_validation_data(reader, r) for r in later):
        return "B-T"
    later_doc_timestamps = [
        ts for ts in reader.embedded_timestamp_signatures if ts.signed_revision > revision
    ]
    return "B-LTA" if later_doc_timestamps else "B-LT"


def _broken(sig: EmbeddedPdfSignature) -> SignatureReport:
    try:
        field_name = str(sig.field_name)
    except Exception:  # noqa: BLE001 - the damaged signature may not even have a name
        field_name = ""
    try:
        signer: asn1_x509.Certificate | None = sig.signer_cert
    except Exception:  # noqa: BLE001
        signer = None
    return SignatureReport(
        field_name=field_name,
        signer_name=display_name(signer) if signer is not None else "",
        signer_personal_code=(
            personal_code(x509.load_der_x509_certificate(signer.dump())) if signer else None
        ),
        signing_time=None,
        timestamp_time=None,
        intact=False,
        trusted=False,
        covers_whole_document=False,
        modified_after=True,
        level="B-B",
    )


async def verify_document(
    pdf: bytes, *, trust_roots: Sequence[bytes], max_bytes: int = 20 * 1024 * 1024
) -> VerificationReport:
    """Verify every signature of ``pdf``.

    Nothing is fetched from the network; revocation checking is soft-fail (a missing answer
    does not fail the signature).

    Args:
        pdf: The document.
        trust_roots: Trusted CA certificates (PEM or DER each); TSA certificates must chain
            to one of them too.
        max_bytes: Larger input is refused.

    Returns:
        The report; ``problem="NO_SIGNATURES"`` when the PDF has none.

    Raises:
        DocumentUnreadable: NOT_A_PDF, CORRUPT, TOO_LARGE or ENCRYPTED. No other exception
            comes out for bad input.
    """
    reader = _open(pdf, max_bytes)
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(pem_to_der(root)) for root in trust_roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        signatures = list(reader.embedded_regular_signatures)
    except Exception as e:  # damaged AcroForm or signature dictionaries
        raise DocumentUnreadable("CORRUPT", detail=f"{type(e).__name__}: {e}") from e
    if not signatures:
        return VerificationReport(signatures=(), problem="NO_SIGNATURES")

    reports: list[SignatureReport] = []
    lock_broken = False
    for sig in signatures:
        try:
            status = await async_validate_pdf_signature(
                sig,
                signer_validation_context=context,
                ts_validation_context=context,
                diff_policy=DIFF_POLICY,
            )
            report = _report(sig, status, reader)
        except Exception as e:  # noqa: BLE001 - a damaged signature is a verdict, not a crash
            logger.info("signature %r could not be validated: %s", sig, e)
            reports.append(_broken(sig))
            continue
        if sig.docmdp_level == MDPPerm.NO_CHANGES and (
            status.modification_level not in _UNCHANGED
            or not only_validation_data_after(reader, sig.signed_revision)
        ):
            lock_broken = True
        reports.append(report)
    if lock_broken:
        reports = [replace(r, modified_after=True) for r in reports]
    return VerificationReport(signatures=tuple(reports), problem=None)


def _report(
    sig: EmbeddedPdfSignature, status: PdfSignatureStatus, reader: PdfFileReader
) -> SignatureReport:
    timestamp = status.timestamp_validity
    timestamp_ok = timestamp is None or (timestamp.intact and timestamp.valid and timestamp.trusted)
    signer = sig.signer_cert
    modification = status.modification_level
    modified_after = status.docmdp_ok is False or modification not in _SIGNING_ONLY
    return SignatureReport(
        field_name=str(sig.field_name),
        signer_name=display_name(signer),
        signer_personal_code=personal_code(x509.load_der_x509_certificate(signer.dump())),
        signing_time=status.signer_reported_dt,
        timestamp_time=timestamp.timestamp if timestamp is not None else None,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted and timestamp_ok),
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modified_after=modified_after,
        level=_level(status, reader, sig.signed_revision),
    )
