"""What may change in a signed PDF after each signature, and what counts as tampering.

pyHanko's default difference analysis lets any revision rewrite the ``/Info`` dictionary and
the XMP metadata (a title "TÜHISTATUD / REVOKED" passes as an "LTA update") and lets later
revisions fill in any form field. Our rule is narrower:

* between signatures only signature fields may be created and filled (with their
  appearance), as signing does;
* after the locking (last) signature, a revision counts as unchanged only if it adds
  validation data (``/DSS``) or a document timestamp, as PAdES B-LT and B-LTA do;
* in either case the document metadata may change only in what every PDF writer rewrites
  on each revision: the modification date, the metadata date and the producer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.metadata import model, xmp_xml
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.sign.diff_analysis import (
    CatalogModificationRule,
    DiffPolicy,
    DocInfoRule,
    DSSCompareRule,
    FormUpdatingRule,
    MetadataUpdateRule,
    ModificationLevel,
    ObjectStreamRule,
    ReferenceUpdate,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
    SuspiciousModification,
    XrefStreamRule,
)

__all__ = ["DIFF_POLICY", "adds_validation_data", "only_validation_data_after"]

_INFO_BOOKKEEPING = frozenset({"/ModDate", "/Producer"})
_XMP_BOOKKEEPING = frozenset(
    {
        model.XMP_MODDATE,
        model.ExpandedName(ns=model.NS["xmp"], local_name="MetadataDate"),
        model.PDF_PRODUCER,
    }
)


def _info(resolver: HistoricalResolver) -> generic.DictionaryObject | None:
    info = resolver.trailer_view.get_value_as_reference("/Info", optional=True)
    if info is None:
        return None
    value = resolver.get_object(info)  # the trailer's references resolve in the newest revision
    if not isinstance(value, generic.DictionaryObject):
        raise SuspiciousModification("/Info is not a dictionary")
    return value


class _BookkeepingInfoRule(DocInfoRule):  # type: ignore[misc]
    """``/Info`` may change only in its modification date and producer."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        old_info, new_info = _info(old), _info(new)
        if old_info is not None and new_info is None:
            raise SuspiciousModification("/Info was removed")
        old_entries = _entries(old_info, _INFO_BOOKKEEPING)
        new_entries = _entries(new_info, _INFO_BOOKKEEPING)
        if old_entries != new_entries:
            changed = sorted(set(old_entries.items()) ^ set(new_entries.items()))
            raise SuspiciousModification(f"/Info changed: {[key for key, _ in changed]}")
        yield from super().apply(old, new)


def _entries(info: generic.DictionaryObject | None, ignored: frozenset[str]) -> dict[str, str]:
    if info is None:
        return {}
    return {key: repr(info.raw_get(key)) for key in info if key not in ignored}


def _xmp_fields(resolver: HistoricalResolver) -> dict[model.ExpandedName, model.XmpValue] | None:
    try:
        reference = resolver.root.get_value_as_reference("/Metadata")
    except KeyError:
        return None
    stream = resolver.get_object(reference)
    if not isinstance(stream, generic.StreamObject):
        raise SuspiciousModification("/Metadata is not a stream")
    try:
        roots = xmp_xml.parse_xmp(BytesIO(stream.read_data(DecodePurpose.XMP_METADATA)))
    except Exception as e:  # noqa: BLE001 - any unreadable packet is a suspicious one
        raise SuspiciousModification("/Metadata is not readable XMP") from e
    return {name: value for root in roots for name, value in root if name not in _XMP_BOOKKEEPING}


class _BookkeepingMetadataRule(MetadataUpdateRule):  # type: ignore[misc]
    """XMP may change only in its modification date, metadata date and producer."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        old_fields, new_fields = _xmp_fields(old), _xmp_fields(new)
        if old_fields is not None and new_fields is None:
            raise SuspiciousModification("the XMP metadata was removed")
        if (old_fields or {}) != (new_fields or {}):
            raise SuspiciousModification("the XMP metadata changed")
        yield from super().apply(old, new)


DIFF_POLICY: DiffPolicy = StandardDiffPolicy(
    global_rules=[
        CatalogModificationRule(),  # type: ignore[no-untyped-call]
        _BookkeepingInfoRule().as_qualified(ModificationLevel.LTA_UPDATES),
        XrefStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        ObjectStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        DSSCompareRule().as_qualified(ModificationLevel.LTA_UPDATES),
        _BookkeepingMetadataRule().as_qualified(  # type: ignore[no-untyped-call]
            ModificationLevel.LTA_UPDATES
        ),
    ],
    # no GenericFieldModificationRule: only signature fields are ever filled in
    form_rule=FormUpdatingRule(
        field_rules=[SigFieldCreationRule(), SigFieldModificationRule()]  # type: ignore[no-untyped-call]
    ),
)
"""pyHanko's difference analysis with our rule: see the module docstring."""


def adds_validation_data(reader: PdfFileReader, revision: int) -> bool:
    """Whether ``revision`` writes the document security store (``/DSS``)."""
    resolver = reader.get_historical_resolver(revision)
    try:
        dss = resolver.root.get_value_as_reference("/DSS")
    except KeyError:
        return False
    return dss in resolver.explicit_refs_in_revision()  # type: ignore[no-untyped-call]


def _timestamped_revisions(reader: PdfFileReader) -> Iterator[int]:
    for timestamp in reader.embedded_timestamp_signatures:
        yield timestamp.signed_revision


def only_validation_data_after(reader: PdfFileReader, revision: int) -> bool:
    """Whether every revision after ``revision`` adds validation data or a document timestamp.

    The content of those revisions is checked by :data:`DIFF_POLICY`; this says whether they
    have a reason to exist at all after a locking signature.

    Args:
        reader: The document.
        revision: The revision of the locking signature.

    Returns:
        ``True`` when each later revision updates ``/DSS`` or holds a document timestamp.
    """
    timestamped = set(_timestamped_revisions(reader))
    return all(
        later in timestamped or adds_validation_data(reader, later)
        for later in range(revision + 1, reader.xrefs.total_revisions)
    )
