"""The A4 page frame every document shares: fonts, metadata, running header and footer."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from fpdf import FPDF

from .fonts import add_fonts
from .metadata import AUTHOR, LANGUAGE, PRODUCER, DocumentInfo, file_id, xmp_packet
from .model import FieldPlacement, RenderedDocument
from .text import MUTED, RULE, SEMIBOLD, clean, use

MARGIN_X = 16.0
MARGIN_TOP = 14.0
MARGIN_TOP_FOLLOWING = 19.0
MARGIN_BOTTOM = 20.0
FOOTER_RULE_FROM_BOTTOM = 14.0


class DocumentPdf(FPDF):
    """An fpdf2 document set up for PDF/A-2B with the shared page frame.

    Everything that could vary between two renders of the same input (dates, the
    file identifier) is derived from ``info``.
    """

    def __init__(self, info: DocumentInfo) -> None:
        super().__init__(orientation="P", unit="mm", format="A4", enforce_compliance="PDF/A-2B")
        self.info = info
        self._file_id = file_id(info)
        add_fonts(self)
        self.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
        self.set_auto_page_break(True, margin=MARGIN_BOTTOM)
        self.set_creation_date(info.created)
        self.set_title(info.title)
        self.set_subject(info.subject)
        self.set_author(AUTHOR)
        self.set_creator(AUTHOR)
        self.set_producer(PRODUCER)
        self.set_keywords(list(info.keywords))
        self.set_lang(LANGUAGE)
        self.set_xmp_metadata(xmp_packet(info))
        self.set_line_width(0.2)

    @property
    def content_width(self) -> float:
        """Width between the side margins, in mm."""
        return self.w - self.l_margin - self.r_margin

    @property
    def content_bottom(self) -> float:
        """The lowest y (mm from the top) content may reach on a page."""
        return self.h - MARGIN_BOTTOM

    def space_left(self) -> float:
        """Vertical room left on the current page, in mm."""
        return self.content_bottom - self.get_y()

    def ensure_space(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if height > self.space_left():
            self.add_page()

    def file_id(self) -> str:
        """The fixed trailer /ID (see :func:`metadata.file_id`)."""
        return self._file_id

    def header(self) -> None:
        """Running header on every page after the first (the first has the title block)."""
        if self.page_no() == 1:
            return
        use(self, 7.5, SEMIBOLD, MUTED)
        self.set_xy(self.l_margin, 9.0)
        heading = f"{self.info.title_et} / {self.info.title_en}"
        self.cell(self.content_width / 2, 4, clean(heading), align="L")
        self.cell(self.content_width / 2, 4, clean(self.info.reference), align="R")
        self._rule(14.0)
        self.set_y(MARGIN_TOP_FOLLOWING)

    def footer(self) -> None:
        """Document reference on the left, "Lk X/Y" on the right."""
        top = self.h - FOOTER_RULE_FROM_BOTTOM
        self._rule(top)
        use(self, 7.5, color=MUTED)
        self.set_xy(self.l_margin, top + 1.5)
        reference = f"{self.info.title_et} / {self.info.title_en} {self.info.reference}"
        self.cell(self.content_width * 0.75, 4, clean(reference), align="L")
        self.cell(self.content_width * 0.25, 4, f"Lk {self.page_no()}/{{nb}}", align="R")

    def _rule(self, y: float) -> None:
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, y, self.w - self.r_margin, y)

    def render(self, fields: Sequence[FieldPlacement]) -> RenderedDocument:
        """Write the PDF and wrap it with its fields and hash."""
        pdf = bytes(self.output())
        return RenderedDocument(
            pdf=pdf, fields=tuple(fields), sha256=hashlib.sha256(pdf).hexdigest()
        )
