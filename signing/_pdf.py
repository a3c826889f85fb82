"""Shared pyHanko plumbing for signing: opening the input, the field, the metadata."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from io import BytesIO

import aiohttp
from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign.fields import (
    FieldMDPAction,
    FieldMDPSpec,
    MDPPerm,
    SigFieldSpec,
    SigSeedSubFilter,
    enumerate_sig_fields,
)
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, constants
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing.errors import DocumentUnreadable, SigningError, TimestampUnavailable
from signing.fields import SignatureField

BYTES_RESERVED = 16 * 1024
"""Hex characters reserved for /Contents: a CMS with a 4-certificate chain and a timestamp token
fits comfortably, and a fixed size skips pyHanko's trial signature."""

_LOCK = FieldMDPSpec(FieldMDPAction.ALL)


def open_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    """An incremental writer appending to ``pdf``; unreadable input raises DocumentUnreadable."""
    if b"%PDF-" not in pdf[:1024]:
        raise DocumentUnreadable("NOT_A_PDF")
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as e:
        raise DocumentUnreadable("CORRUPT", detail=str(e)) from e
    if writer.prev.encrypted:
        raise DocumentUnreadable("ENCRYPTED")
    return writer


def prepare_field(
    writer: IncrementalPdfFileWriter, field: SignatureField, *, lock: bool
) -> SigFieldSpec:
    """Check the named field (if present) is empty and lock it when asked.

    Returns the spec pyHanko uses to create the field at ``field.box`` when it is absent.
    """
    existing = list(enumerate_sig_fields(writer, with_name=field.name))
    if existing:
        _, value, field_ref = existing[0]
        if value is not None:
            raise SigningError(
                "Allkirjaväli on juba allkirjastatud / The signature field is already signed",
                detail=field.name,
            )
        if lock:
            field_dict = field_ref.get_object()
            lock_dict = _LOCK.as_sig_field_lock()
            lock_dict["/P"] = generic.NumberObject(MDPPerm.NO_CHANGES.value)  # type: ignore[no-untyped-call]
            field_dict["/Lock"] = lock_dict
            writer.mark_update(field_ref)
    return SigFieldSpec(
        sig_field_name=field.name,
        on_page=field.page,
        box=field.box,
        field_mdp_spec=_LOCK if lock else None,
        doc_mdp_update_value=MDPPerm.NO_CHANGES if lock else None,
    )


def signature_metadata(
    field: SignatureField, *, md_algorithm: str, reason: str, lock: bool
) -> PdfSignatureMetadata:
    return PdfSignatureMetadata(
        docmdp_permissions=MDPPerm.NO_CHANGES if lock else MDPPerm.FILL_FORMS,
        field_name=field.name,
        md_algorithm=md_algorithm,
        reason=reason,
        subfilter=SigSeedSubFilter.PADES,
    )


class Pdf17Signer(PdfSigner):  # type: ignore[misc]
    """A PdfSigner that keeps the document at PDF 1.7, as PDF/A-2B requires.

    pyHanko registers the ISO 32002 extension for ECDSA signatures and with it raises the
    catalog ``/Version`` to 2.0, while our documents declare PDF/A-2B (ISO 19005-2, built on
    PDF 1.7). ECDSA in PAdES is already allowed by the ESIC extension for PDF 1.7 (ETSI EN
    319 142-1), which is all this signer registers.
    """

    def register_extensions(self, pdf_out: BasePdfFileWriter, *, md_algorithm: str) -> None:
        pdf_out.ensure_output_version(version=(1, 7))  # type: ignore[no-untyped-call]
        if self.signature_meta.subfilter == SigSeedSubFilter.PADES:
            pdf_out.register_extension(constants.ESIC_EXTENSION_1)


def md_for_certificate(cert: x509.Certificate) -> str:
    """SHA-384 for P-384 keys (as Web eID does), SHA-512 for P-521, SHA-256 otherwise."""
    public_key = cert.public_key
    if public_key.algorithm == "ec":
        curve = public_key.curve[1]
        return {"secp384r1": "sha384", "secp521r1": "sha512"}.get(curve, "sha256")
    return "sha256"


def hash_function_name(md_algorithm: str) -> str:
    return {"sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512"}[md_algorithm]


def digest(md_algorithm: str, data: bytes) -> bytes:
    return hashlib.new(md_algorithm, data).digest()


def certificate_store(certificates: Iterable[x509.Certificate]) -> SimpleCertificateStore:
    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    store.register_multiple(list(certificates))
    return store


@contextmanager
def pyhanko_errors() -> Iterator[None]:
    """Turn pyHanko's and the TSA transport's failures into ``signing`` errors."""
    try:
        yield
    except SigningError:
        raise
    except (TimestampRequestError, aiohttp.ClientError, TimeoutError) as e:
        raise TimestampUnavailable(detail=f"{type(e).__name__}: {e}") from e
    except PyHankoSigningError as e:
        if isinstance(e.__cause__, TimestampRequestError | aiohttp.ClientError | TimeoutError):
            raise TimestampUnavailable(detail=str(e.__cause__)) from e
        raise SigningError(detail=str(e)) from e
    except PdfError as e:
        raise DocumentUnreadable("CORRUPT", detail=str(e)) from e
