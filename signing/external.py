"""Two-step signing with an external device (ID-card via Web eID, Mobile-ID, Smart-ID).

:func:`prepare_external` writes the signature placeholder and returns the digest the device
signs plus a ``state`` (plain bytes, e.g. for a database row); :func:`complete_external`,
possibly in another process, checks the device's signature, adds the signature timestamp
and fills the placeholder.

State layout: ``b"EHSIG1\\n"``, one line of JSON (offsets, DER values in base64, algorithm
names), ``b"\\n"``, then the prepared PDF bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.signers import ExternalSigner
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import TimeStamper

from signing import _device, _pdf
from signing._issuing import pem_to_der
from signing._pdf import certificate_store
from signing._stamp import stamp_style
from signing.certificates import check_usable, display_name, key_type, load_certificate
from signing.errors import CertificateRejected, SigningError
from signing.fields import SignatureField

__all__ = ["PreparedSignature", "complete_external", "prepare_external"]

_MAGIC = b"EHSIG1\n"


@dataclass(frozen=True)
class PreparedSignature:
    """A document waiting for a device signature.

    Attributes:
        state: Everything needed to complete later, as bytes (may cross a process boundary).
        digest: The hash the device signs (hash of the CMS signed attributes).
        hash_function: ``"SHA-256"``, ``"SHA-384"`` or ``"SHA-512"``.
        signature_scheme: ``"ecdsa"``, ``"pkcs1v15"`` or ``"pss"``.
    """

    state: bytes
    digest: bytes
    hash_function: str
    signature_scheme: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


async def prepare_external(
    pdf: bytes,
    field: SignatureField,
    certificate_der: bytes,
    *,
    lock: bool,
    reason: str,
    signature_scheme: str | None = None,
    chain: Sequence[bytes] = (),
) -> PreparedSignature:
    """Reserve the signature in ``field`` and compute what the device must sign.

    The hash is SHA-384 for P-384 keys and SHA-256 otherwise; the device signs the digest
    (ECDSA, or RSA with the scheme chosen here, as it ends up in the SignerInfo).

    Args:
        pdf: The document (already holding earlier signatures, if any).
        field: Where to sign; created at its box when absent.
        certificate_der: The signer's certificate (DER; PEM accepted).
        lock: This is the last signature: forbid any later change.
        reason: The /Reason of the signature.
        signature_scheme: For RSA keys ``"pkcs1v15"`` (default) or ``"pss"`` (Smart-ID,
            salt length = digest length, MGF1 with the same hash); EC keys use ECDSA.
        chain: Issuer certificates to embed in the CMS (PEM or DER each).

    Returns:
        The prepared signature.

    Raises:
        CertificateRejected: MALFORMED, EXPIRED, NOT_YET_VALID, KEY_USAGE or UNSUPPORTED_KEY
            (trust is checked by :func:`signing.certificates.read_signing_certificate`).
        DocumentUnreadable: ``pdf`` cannot be read.
        SigningError: The field is already signed or the scheme does not fit the key.
    """
    cert = load_certificate(certificate_der)
    check_usable(cert, dt.datetime.now(dt.UTC))
    if key_type(cert) is None:
        raise CertificateRejected("UNSUPPORTED_KEY", detail=type(cert.public_key()).__name__)
    scheme = _device.choose_scheme(cert.public_key(), signature_scheme)
    signing_cert = asn1_x509.Certificate.load(pem_to_der(certificate_der))
    chain_certs = [asn1_x509.Certificate.load(pem_to_der(c)) for c in chain]
    md_algorithm = _pdf.md_for_certificate(signing_cert)
    mechanism = _device.signature_mechanism(scheme, md_algorithm)
    signer = ExternalSigner(
        signing_cert,
        certificate_store(chain_certs),
        signature_value=512,
        signature_mechanism=mechanism,
    )
    writer = _pdf.open_writer(pdf)
    with _pdf.pyhanko_errors():
        field_spec = _pdf.prepare_field(writer, field, lock=lock)
        pdf_signer = _pdf.Pdf17Signer(
            _pdf.signature_metadata(field, md_algorithm=md_algorithm, reason=reason, lock=lock),
            signer,
            new_field_spec=field_spec,
            stamp_style=stamp_style(),
        )
        prepared, _, output = await pdf_signer.async_digest_doc_for_signing(
            writer,
            bytes_reserved=_pdf.BYTES_RESERVED,
            appearance_text_params={"signer": display_name(cert)},
        )
        signed_attrs = await signer.signed_attrs(
            prepared.document_digest, md_algorithm, use_pades=True
        )
    signed_attrs_der = signed_attrs.dump()
    header = {
        "start": prepared.reserved_region_start,
        "end": prepared.reserved_region_end,
        "document_digest": _b64(prepared.document_digest),
        "signed_attrs": _b64(signed_attrs_der),
        "certificate": _b64(signing_cert.dump()),
        "chain": [_b64(c.dump()) for c in chain_certs],
        "md": md_algorithm,
        "scheme": scheme,
    }
    output.seek(0)
    state = _MAGIC + json.dumps(header).encode("ascii") + b"\n" + output.read()
    return PreparedSignature(
        state=state,
        digest=_pdf.digest(md_algorithm, signed_attrs_der),
        hash_function=_pdf.hash_function_name(md_algorithm),
        signature_scheme=scheme,
    )


def _read_state(state: bytes) -> tuple[dict[str, Any], bytes]:
    try:
        if not state.startswith(_MAGIC):
            raise ValueError("unknown state format")
        line_end = state.index(b"\n", len(_MAGIC))
        header = json.loads(state[len(_MAGIC) : line_end])
        if not isinstance(header, dict):
            raise ValueError("state header is not an object")
        return header, state[line_end + 1 :]
    except ValueError as e:
        raise SigningError(
            "Allkirjastamise olek on vigane / The signing state is damaged", detail=str(e)
        ) from e


async def complete_external(state: bytes, signature: bytes, *, timestamper: TimeStamper) -> bytes:
    """Check the device's signature and finish the PAdES B-T signature.

    Args:
        state: ``PreparedSignature.state``.
        signature: The device's signature over ``PreparedSignature.digest``: ECDSA raw r||s or
            DER; RSA PKCS#1 v1.5 or PSS, as chosen when preparing.
        timestamper: Source of the signature timestamp.

    Returns:
        The signed document.

    Raises:
        SignatureInvalid: ``signature`` does not verify; nothing is embedded.
        TimestampUnavailable: The TSA did not answer usefully.
        SigningError: ``state`` is damaged.
    """
    header, prepared_pdf = _read_state(state)
    try:
        start, end = int(header["start"]), int(header["end"])
        md_algorithm, scheme = str(header["md"]), str(header["scheme"])
        signed_attrs_der = base64.b64decode(header["signed_attrs"])
        document_digest = base64.b64decode(header["document_digest"])
        signing_cert = asn1_x509.Certificate.load(base64.b64decode(header["certificate"]))
        chain = [asn1_x509.Certificate.load(base64.b64decode(c)) for c in header["chain"]]
        signed_attrs = cms.CMSAttributes.load(signed_attrs_der)
        if _pdf.digest(md_algorithm, prepared_pdf[:start] + prepared_pdf[end:]) != document_digest:
            raise ValueError("the prepared document does not match its digest")
    except (KeyError, TypeError, ValueError) as e:
        raise SigningError(
            "Allkirjastamise olek on vigane / The signing state is damaged", detail=str(e)
        ) from e
    public_key = load_certificate(signing_cert.dump()).public_key()
    cms_signature = _device.verified_cms_signature(
        public_key, scheme, md_algorithm, _pdf.digest(md_algorithm, signed_attrs_der), signature
    )
    signer = ExternalSigner(
        signing_cert,
        certificate_store(chain),
        signature_value=cms_signature,
        signature_mechanism=_device.signature_mechanism(scheme, md_algorithm),
    )
    output = BytesIO(prepared_pdf)
    with _pdf.pyhanko_errors():
        signature_cms = await signer.async_sign_prescribed_attributes(
            md_algorithm, signed_attrs=signed_attrs, timestamper=timestamper
        )
        await PdfTBSDocument.async_finish_signing(
            output,
            PreparedByteRangeDigest(document_digest, start, end),
            signature_cms,
        )
    return output.getvalue()
