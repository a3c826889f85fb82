"""PAdES signatures: with a key held here (e-seal, tests) or with an external device.

Signing appends an incremental update to the given PDF; it never re-renders. The last
signature of a document is made with ``lock=True``: the field gets a /Lock dictionary
(FieldMDP ALL, DocMDP "no changes"), so verification reports any later change.
"""

from __future__ import annotations

from io import BytesIO

from asn1crypto import keys, x509
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.timestamps import TimeStamper

from signing import _pdf
from signing._issuing import pem_to_der
from signing._pdf import certificate_store
from signing._stamp import stamp_style
from signing.certificates import display_name
from signing.external import PreparedSignature, complete_external, prepare_external
from signing.fields import SignatureField
from signing.pki import Credentials

__all__ = [
    "PreparedSignature",
    "complete_external",
    "prepare_external",
    "sign_with_key",
]


async def sign_with_key(
    pdf: bytes,
    field: SignatureField,
    credentials: Credentials,
    *,
    timestamper: TimeStamper,
    lock: bool,
    reason: str,
) -> bytes:
    """Add a PAdES B-T signature made with ``credentials`` into ``field``.

    The field is created at ``field.box`` on ``field.page`` when the document lacks it,
    with a visible stamp naming the signer and the signing time.

    Args:
        pdf: The document; the signature is appended as an incremental update.
        field: Where to sign.
        credentials: Private key, certificate and chain of the signer (e.g. the e-seal).
        timestamper: Source of the signature timestamp (B-T).
        lock: This is the last signature: forbid any later change.
        reason: The /Reason of the signature, e.g. ``"Kinnitan / Approved"``.

    Returns:
        The signed document.

    Raises:
        DocumentUnreadable: ``pdf`` cannot be read.
        TimestampUnavailable: The TSA did not answer usefully.
        SigningError: pyHanko refused to sign (e.g. the field is already signed).
    """
    signing_cert = x509.Certificate.load(pem_to_der(credentials.certificate_pem))
    signer = SimpleSigner(
        signing_cert=signing_cert,
        signing_key=keys.PrivateKeyInfo.load(pem_to_der(credentials.private_key_pem)),
        cert_registry=certificate_store(
            x509.Certificate.load(pem_to_der(pem)) for pem in credentials.chain_pem
        ),
    )
    writer = _pdf.open_writer(pdf)
    with _pdf.pyhanko_errors():
        field_spec = _pdf.prepare_field(writer, field, lock=lock)
        pdf_signer = _pdf.Pdf17Signer(
            _pdf.signature_metadata(
                field, md_algorithm=_pdf.md_for_certificate(signing_cert), reason=reason, lock=lock
            ),
            signer,
            timestamper=timestamper,
            new_field_spec=field_spec,
            stamp_style=stamp_style(),
        )
        output = BytesIO()
        await pdf_signer.async_sign_pdf(
            writer,
            bytes_reserved=_pdf.BYTES_RESERVED,
            output=output,
            appearance_text_params={"signer": display_name(signing_cert)},
        )
    return output.getvalue()
