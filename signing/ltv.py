"""Long-term validity: PAdES B-LT validation data and B-LTA archive timestamps.

After each signature :func:`add_validation_data` puts into the document security store
(``/DSS``) every certificate of every signature and timestamp in the document, with a
fresh OCSP answer "good" for each one that is not a trust anchor (PAdES B-LT). After the
last signature :func:`add_archive_timestamp` also adds a document timestamp over all of it,
and the validation data of that timestamp (B-LTA). Years later, before the newest
timestamp's TSA certificate expires, :func:`add_archive_timestamp` runs again
(``eksamihaldus documents renew-timestamps``) and the chain of archive timestamps keeps the
document verifiable without asking anyone.

Each step is an incremental update that adds only ``/DSS`` or a document timestamp, which
:mod:`signing.modifications` accepts after a locking signature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import cms
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

from signing import _pdf
from signing.certificates import find_issuer, load_certificate
from signing.errors import DocumentUnreadable, RevocationUnavailable
from signing.revocation import RevocationSource, check_signer, responder_url

_SHA256 = hashes.SHA256()

__all__ = [
    "LongTermSetup",
    "TimestampInfo",
    "add_archive_timestamp",
    "add_validation_data",
    "newest_timestamp",
]


@dataclass(frozen=True)
class LongTermSetup:
    """What long-term validation data needs from outside.

    Attributes:
        revocation: Where OCSP answers come from.
        trust_roots: Trust anchors (PEM or DER each): issuers of the certificates found, and
            never checked themselves.
        timestamper: Source of archive (document) timestamps.
    """

    revocation: RevocationSource
    trust_roots: tuple[bytes, ...]
    timestamper: TimeStamper


@dataclass(frozen=True)
class TimestampInfo:
    """The newest timestamp of a document.

    Attributes:
        time: The time it certifies.
        tsa_not_after: When its TSA certificate expires.
        archive: It is a document timestamp (B-LTA), not a signature timestamp.
    """

    time: dt.datetime
    tsa_not_after: dt.datetime
    archive: bool


def _reader(pdf: bytes) -> PdfFileReader:
    try:
        return PdfFileReader(BytesIO(pdf), strict=False)
    except Exception as e:  # pyHanko raises many kinds on damaged input
        raise DocumentUnreadable("CORRUPT", detail=f"{type(e).__name__}: {e}") from e


def _certificates(signed_data: cms.SignedData) -> Iterator[asn1_x509.Certificate]:
    for choice in signed_data["certificates"] or ():
        if choice.name == "certificate":
            yield choice.chosen


def _signed_datas(reader: PdfFileReader) -> Iterator[cms.SignedData]:
    """Every CMS in the document: signatures, their timestamp tokens, document timestamps."""
    for sig in reader.embedded_signatures:
        yield sig.signed_data
        yield from extract_tst_data_iter(sig.signer_info, signed=False)


def _document_certificates(reader: PdfFileReader) -> dict[bytes, asn1_x509.Certificate]:
    found: dict[bytes, asn1_x509.Certificate] = {}
    for signed_data in _signed_datas(reader):
        for cert in _certificates(signed_data):
            found.setdefault(cert.sha256, cert)
    return found


async def add_validation_data(pdf: bytes, setup: LongTermSetup) -> bytes:
    """Add to ``/DSS`` the certificates and OCSP answers of every signature and timestamp.

    Every certificate that names an OCSP responder and is not a trust anchor gets a fresh
    answer "good"; one that names none (as some TSA certificates) is embedded without one,
    as validators then check none.

    Args:
        pdf: A signed document.
        setup: Revocation source and trust anchors.

    Returns:
        The document with one more revision holding the validation data.

    Raises:
        CertificateRevoked: A certificate in the document is revoked or suspended.
        RevocationUnavailable: An OCSP answer could not be had; nothing is added.
        DocumentUnreadable: ``pdf`` cannot be read.
    """
    reader = _reader(pdf)
    found = _document_certificates(reader)
    anchors = [load_certificate(root) for root in setup.trust_roots]
    anchor_fingerprints = {a.fingerprint(_SHA256) for a in anchors}
    parsed = [load_certificate(c.dump()) for c in found.values()]
    ocsps: list[asn1_ocsp.OCSPResponse] = []
    extra: list[asn1_x509.Certificate] = []
    for cert in parsed:
        if cert.fingerprint(_SHA256) in anchor_fingerprints or cert.issuer == cert.subject:
            continue
        if responder_url(cert) is None:
            # declares no OCSP responder (some TSA certificates): validators check none
            continue
        issuer = find_issuer(cert, [*anchors, *parsed])
        if issuer is None:
            raise RevocationUnavailable(
                detail=f"no issuer for {cert.subject.rfc4514_string()} in the trust anchors"
            )
        evidence = await check_signer(cert, issuers=[issuer], source=setup.revocation)
        ocsps.append(asn1_ocsp.OCSPResponse.load(evidence.response))
        extra.extend(asn1_x509.Certificate.load(c) for c in evidence.responder_certificates)
        if issuer.fingerprint(_SHA256) in anchor_fingerprints:  # documents the path
            extra.append(asn1_x509.Certificate.load(issuer.public_bytes(Encoding.DER)))
    output = BytesIO(pdf)
    with _pdf.pyhanko_errors():
        DocumentSecurityStore.add_dss(
            output,
            None,
            certs=[*found.values(), *extra],
            ocsps=ocsps,
            force_write=True,
            strict=False,
        )
    return output.getvalue()


async def add_archive_timestamp(pdf: bytes, setup: LongTermSetup) -> bytes:
    """Make the document PAdES B-LTA: validation data, a document timestamp, and its data.

    Args:
        pdf: A signed document (B-T, B-LT or B-LTA already).
        setup: Revocation source, trust anchors and timestamper.

    Returns:
        The document with the new revisions.

    Raises:
        CertificateRevoked: A certificate in the document is revoked or suspended.
        RevocationUnavailable: An OCSP answer could not be had.
        TimestampUnavailable: The TSA did not answer.
        DocumentUnreadable: ``pdf`` cannot be read.
    """
    with_data = await add_validation_data(pdf, setup)
    writer = _pdf.open_writer(with_data)
    output = BytesIO()
    with _pdf.pyhanko_errors():
        await PdfTimeStamper(setup.timestamper).async_timestamp_pdf(
            writer, md_algorithm="sha256", output=output
        )
    return await add_validation_data(output.getvalue(), setup)


def newest_timestamp(pdf: bytes) -> TimestampInfo | None:
    """The newest timestamp in ``pdf`` (archive or signature timestamp), if any.

    Args:
        pdf: A signed document.

    Returns:
        Its time, its TSA certificate's expiry and whether it is an archive timestamp.

    Raises:
        DocumentUnreadable: ``pdf`` cannot be read.
    """
    reader = _reader(pdf)
    newest: TimestampInfo | None = None
    for sig in reader.embedded_signatures:
        archive = sig.sig_object_type == "/DocTimeStamp"
        tokens: Sequence[cms.SignedData] = (
            [sig.signed_data]
            if archive
            else list(extract_tst_data_iter(sig.signer_info, signed=False))
        )
        for token in tokens:
            info = _token_info(token, archive)
            if info is not None and (newest is None or info.time >= newest.time):
                newest = info
    return newest


def _token_info(token: cms.SignedData, archive: bool) -> TimestampInfo | None:
    content = token["encap_content_info"]["content"].parsed
    signer_info = token["signer_infos"][0]
    sid = signer_info["sid"]
    for cert in _certificates(token):
        if sid.name == "issuer_and_serial_number":
            matches = cert.serial_number == sid.chosen["serial_number"].native
        else:
            matches = cert.key_identifier == sid.chosen.native
        if matches:
            return TimestampInfo(
                time=content["gen_time"].native,
                tsa_not_after=cert.not_valid_after,
                archive=archive,
            )
    return None
