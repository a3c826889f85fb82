"""Document metadata: the XMP packet (PDF/A-2B identification) and the file identifier.

fpdf2 writes no Info dictionary for PDF/A and would stamp the XMP ModifyDate with the
clock, so the packet is built here from the document date alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import escape

import fpdf

AUTHOR = "Eksamihaldus"
LANGUAGE = "et"
PRODUCER = f"fpdf2 {fpdf.__version__}"


@dataclass(frozen=True)
class DocumentInfo:
    """What identifies a rendered document.

    Attributes:
        title_et: Estonian title, e.g. "Hindamisprotokoll".
        title_en: English title, e.g. "Assessment protocol".
        reference: The id or number printed in the header and footer.
        document_date: Fixes the creation and modification dates.
        subject: The PDF subject (XMP dc:description).
        keywords: PDF keywords.
        identity: A canonical text of the whole input; the file /ID is its hash.
    """

    title_et: str
    title_en: str
    reference: str
    document_date: date
    subject: str
    keywords: Sequence[str]
    identity: str

    @property
    def title(self) -> str:
        """The full PDF title, e.g. "Hindamisprotokoll / Assessment protocol HP-1"."""
        return f"{self.title_et} / {self.title_en} {self.reference}"

    @property
    def created(self) -> datetime:
        """Midnight UTC of the document date, the only timestamp in the file."""
        day = self.document_date
        return datetime(day.year, day.month, day.day, tzinfo=UTC)


def file_id(info: DocumentInfo) -> str:
    """The trailer /ID pair ``<hex><hex>`` derived from the input, never from the clock."""
    digest = hashlib.sha256(info.identity.encode("utf-8")).hexdigest()[:32].upper()
    return f"<{digest}><{digest}>"


def xmp_packet(info: DocumentInfo) -> str:
    """The ``x:xmpmeta`` element (fpdf2 adds the xpacket wrapper) declaring PDF/A-2B."""
    stamp = info.created.isoformat(timespec="seconds")
    keywords = ", ".join(info.keywords)
    return "\n".join(
        [
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
            ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
            '  <rdf:Description rdf:about=""',
            '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
            '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
            '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"',
            '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">',
            "   <pdfaid:part>2</pdfaid:part>",
            "   <pdfaid:conformance>B</pdfaid:conformance>",
            "   <dc:format>application/pdf</dc:format>",
            f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_xml(info.title)}</rdf:li>'
            "</rdf:Alt></dc:title>",
            f"   <dc:creator><rdf:Seq><rdf:li>{AUTHOR}</rdf:li></rdf:Seq></dc:creator>",
            f'   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{_xml(info.subject)}'
            "</rdf:li></rdf:Alt></dc:description>",
            f"   <dc:language><rdf:Bag><rdf:li>{LANGUAGE}</rdf:li></rdf:Bag></dc:language>",
            f"   <xmp:CreateDate>{stamp}</xmp:CreateDate>",
            f"   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>",
            f"   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>",
            f"   <xmp:CreatorTool>{AUTHOR}</xmp:CreatorTool>",
            f"   <pdf:Producer>{_xml(PRODUCER)}</pdf:Producer>",
            f"   <pdf:Keywords>{_xml(keywords)}</pdf:Keywords>",
            "  </rdf:Description>",
            " </rdf:RDF>",
            "</x:xmpmeta>",
        ]
    )


def _xml(text: str) -> str:
    return escape(text, quote=True)
