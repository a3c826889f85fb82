"""Incremental updates appended to a signed PDF: what a forger writes, and what PAdES adds.

Each function takes a document and returns it with one more revision, written with pyHanko's
``IncrementalPdfFileWriter`` (no other PDF library). ``CHANGES`` are the tampering kinds a
verifier must report; ``add_validation_data`` and ``add_document_timestamp`` are the
revisions PAdES B-LT and B-LTA append, which must keep a document valid.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata import model, xmp_xml
from pyhanko.sign.fields import SigFieldSpec, append_signature_field
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore

from signing._issuing import pem_to_der

REVOKED = "TÜHISTATUD / REVOKED"
TEXT_FIELD = "markus"


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(BytesIO(pdf), strict=False)


def _bytes(writer: IncrementalPdfFileWriter) -> bytes:
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _name(value: str) -> generic.NameObject:
    return generic.NameObject(value)


def _revoked_info() -> generic.DictionaryObject:
    return generic.DictionaryObject({_name("/Title"): generic.TextStringObject(REVOKED)})


def retitle_info(pdf: bytes) -> bytes:
    """Only the /Info dictionary: the title becomes "TÜHISTATUD / REVOKED"."""
    writer = _writer(pdf)
    if "/Info" in writer.trailer:
        info = writer.trailer["/Info"]
        info[_name("/Title")] = generic.TextStringObject(REVOKED)
        writer.update_container(info)
    else:
        writer.set_info(_revoked_info())
    return _bytes(writer)


def retitle_xmp(pdf: bytes) -> bytes:
    """Only the XMP metadata: dc:title becomes "TÜHISTATUD / REVOKED", the rest is kept."""
    writer = _writer(pdf)
    roots: list[model.XmpStructure] = []
    if "/Metadata" in writer.root:
        old = writer.root["/Metadata"]
        roots = xmp_xml.parse_xmp(BytesIO(old.data))
    metadata = model.DocumentMetadata(title=REVOKED)
    stream = xmp_xml.MetadataStream.from_xmp(xmp_xml.update_xmp_with_meta(metadata, roots=roots))
    writer.root[_name("/Metadata")] = writer.add_object(stream)
    writer.update_root()
    return _bytes(writer)


def add_annotation(pdf: bytes) -> bytes:
    """A text note on the first page."""
    writer = _writer(pdf)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    annotation = writer.add_object(
        generic.DictionaryObject(
            {
                _name("/Type"): _name("/Annot"),
                _name("/Subtype"): _name("/Text"),
                _name("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (10, 10, 30, 30)]
                ),
                _name("/Contents"): generic.TextStringObject("Muudetud / Changed"),
            }
        )
    )
    annotations = page.get("/Annots", generic.ArrayObject())
    annotations.append(annotation)
    page[_name("/Annots")] = annotations
    writer.update_container(page_ref)
    return _bytes(writer)


def add_page(pdf: bytes) -> bytes:
    """A new last page saying the result was annulled."""
    writer = _writer(pdf)
    content = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 700 Td (TYHISTATUD) Tj ET")
    )
    page = generic.DictionaryObject(
        {
            _name("/Type"): _name("/Page"),
            _name("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (0, 0, 595, 842)]
            ),
            _name("/Resources"): generic.DictionaryObject(),
            _name("/Contents"): content,
        }
    )
    writer.insert_page(page)
    return _bytes(writer)


def add_text_field(pdf: bytes, value: str = "Sooritatud / Passed") -> bytes:
    """A text form field named ``TEXT_FIELD`` holding ``value`` (before any signature)."""
    writer = _writer(pdf)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    field = writer.add_object(
        generic.DictionaryObject(
            {
                _name("/FT"): _name("/Tx"),
                _name("/T"): generic.TextStringObject(TEXT_FIELD),
                _name("/V"): generic.TextStringObject(value),
                _name("/Type"): _name("/Annot"),
                _name("/Subtype"): _name("/Widget"),
                _name("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (60, 700, 260, 720)]
                ),
                _name("/P"): page_ref,
            }
        )
    )
    page = page_ref.get_object()
    annotations = page.get("/Annots", generic.ArrayObject())
    annotations.append(field)
    page[_name("/Annots")] = annotations
    writer.update_container(page_ref)
    if "/AcroForm" in writer.root:
        fields = writer.root["/AcroForm"]["/Fields"]
        fields.append(field)
        writer.update_container(fields)
    else:
        writer.root[_name("/AcroForm")] = generic.DictionaryObject(
            {_name("/Fields"): generic.ArrayObject([field])}
        )
        writer.update_root()
    return _bytes(writer)


def change_text_field(pdf: bytes) -> bytes:
    """The value of the text field ``TEXT_FIELD`` becomes "Mittesooritatud / Failed"."""
    writer = _writer(pdf)
    for field_ref in writer.root["/AcroForm"]["/Fields"]:
        field = field_ref.get_object()
        if field.get("/T") == TEXT_FIELD:
            field[_name("/V")] = generic.TextStringObject("Mittesooritatud / Failed")
            writer.update_container(field)
            return _bytes(writer)
    raise AssertionError(f"no form field {TEXT_FIELD!r} to change")


def add_empty_signature_field(pdf: bytes) -> bytes:
    """An empty, invisible signature field: allowed between signatures, not after the last."""
    writer = _writer(pdf)
    append_signature_field(writer, SigFieldSpec(sig_field_name="allkiri-lisa"))
    return _bytes(writer)


def add_validation_data(pdf: bytes, root_pem: bytes) -> bytes:
    """A /DSS revision holding the root certificate, as PAdES B-LT appends."""
    writer = _writer(pdf)
    root = x509.Certificate.load(pem_to_der(root_pem))
    DocumentSecurityStore.supply_dss_in_writer(writer, None, certs=[root])
    return _bytes(writer)


def add_validation_data_and_retitle(pdf: bytes, root_pem: bytes) -> bytes:
    """A /DSS revision that also changes the /Info title: validation data is no excuse."""
    writer = _writer(pdf)
    root = x509.Certificate.load(pem_to_der(root_pem))
    DocumentSecurityStore.supply_dss_in_writer(writer, None, certs=[root])
    writer.set_info(_revoked_info())
    return _bytes(writer)


async def add_document_timestamp(pdf: bytes, timestamper: TimeStamper) -> bytes:
    """A document timestamp revision, as PAdES B-LTA appends."""
    out = BytesIO()
    await PdfTimeStamper(timestamper).async_timestamp_pdf(_writer(pdf), "sha256", output=out)
    return out.getvalue()


CHANGES: dict[str, Callable[[bytes], bytes]] = {
    "info": retitle_info,
    "xmp": retitle_xmp,
    "annotation": add_annotation,
    "page": add_page,
    "form_field": change_text_field,
}
"""Tampering after a signature, each a single revision; the documents need ``add_text_field``
before signing for "form_field"."""
