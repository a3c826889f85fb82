"""A ruled table that breaks across pages and repeats its header row on each page.

Drawn with fpdf2's low-level text and rectangle calls rather than ``FPDF.table()``:
the latter lays out every cell twice through ``multi_cell`` and made a 30-row protocol
several times slower.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .blocks import draw_lines, leading
from .page import DocumentPdf
from .text import HEADER_FILL, INK, MUTED, REGULAR, RULE, SEMIBOLD, ZEBRA_FILL, use, wrap

BODY_SIZE = 8.5
NOTE_SIZE = 7.5
HEAD_SIZE = 7.5
HEAD_EN_SIZE = 7.0
PAD_X = 1.4
PAD_Y = 1.3


@dataclass(frozen=True)
class Column:
    """A column: Estonian title, English subtitle, width in mm, alignment, line cap."""

    title_et: str
    title_en: str
    width: float
    align: str = "L"
    max_lines: int = 4


@dataclass(frozen=True)
class Cell:
    """A cell's text and an optional smaller, muted note under it."""

    text: str
    note: str | None = None


CellValue = str | Cell


@dataclass(frozen=True)
class _Layout:
    lines: list[str]
    notes: list[str]

    @property
    def height(self) -> float:
        return len(self.lines) * leading(BODY_SIZE) + len(self.notes) * leading(NOTE_SIZE)


def draw_table(
    pdf: DocumentPdf, columns: Sequence[Column], rows: Sequence[Sequence[CellValue]]
) -> None:
    """Draw ``rows`` under a header row, starting at the cursor; leave the cursor below.

    Rows never split: a row that does not fit starts a new page, which begins with
    the header row again.
    """
    scale = pdf.content_width / sum(column.width for column in columns)
    widths = [column.width * scale for column in columns]
    header = _lay_out_header(pdf, columns, widths)
    for index, row in enumerate(rows):
        layouts = [
            _lay_out(pdf, cell, column, width)
            for cell, column, width in zip(row, columns, widths, strict=True)
        ]
        height = max(layout.height for layout in layouts) + 2 * PAD_Y
        if index == 0:
            pdf.ensure_space(header.height + height)  # no header alone at a page's foot
            _draw_header(pdf, columns, widths, header)
        elif height > pdf.space_left():
            pdf.add_page()
            _draw_header(pdf, columns, widths, header)
        _draw_row(pdf, columns, widths, layouts, height, shaded=index % 2 == 1)
    if not rows:
        _draw_header(pdf, columns, widths, header)


def _lay_out(pdf: DocumentPdf, cell: CellValue, column: Column, width: float) -> _Layout:
    value = cell if isinstance(cell, Cell) else Cell(cell)
    inner = width - 2 * PAD_X
    use(pdf, BODY_SIZE)
    lines = wrap(pdf, value.text, inner, column.max_lines)
    notes: list[str] = []
    if value.note:
        use(pdf, NOTE_SIZE)
        notes = wrap(pdf, value.note, inner, column.max_lines)
    return _Layout(lines, notes)


@dataclass(frozen=True)
class _Header:
    cells: list[tuple[list[str], list[str]]]
    height: float


def _lay_out_header(
    pdf: DocumentPdf, columns: Sequence[Column], widths: Sequence[float]
) -> _Header:
    cells: list[tuple[list[str], list[str]]] = []
    for column, width in zip(columns, widths, strict=True):
        use(pdf, HEAD_SIZE, SEMIBOLD)
        title = wrap(pdf, column.title_et, width - 2 * PAD_X, 3)
        use(pdf, HEAD_EN_SIZE)
        subtitle = wrap(pdf, column.title_en, width - 2 * PAD_X, 3)
        cells.append((title, subtitle))
    height = 2 * PAD_Y + max(
        len(title) * leading(HEAD_SIZE) + len(subtitle) * leading(HEAD_EN_SIZE)
        for title, subtitle in cells
    )
    return _Header(cells, height)


def _draw_header(
    pdf: DocumentPdf, columns: Sequence[Column], widths: Sequence[float], header: _Header
) -> None:
    cells, height = header.cells, header.height
    top, x = pdf.get_y(), pdf.l_margin
    pdf.set_fill_color(*HEADER_FILL)
    pdf.rect(x, top, sum(widths), height, style="F")
    for column, width, (title, subtitle) in zip(columns, widths, cells, strict=True):
        use(pdf, HEAD_SIZE, SEMIBOLD, INK)
        bottom = draw_lines(
            pdf,
            x + PAD_X,
            top + PAD_Y,
            title,
            HEAD_SIZE,
            width=width - 2 * PAD_X,
            align=column.align,
        )
        use(pdf, HEAD_EN_SIZE, REGULAR, MUTED)
        draw_lines(
            pdf,
            x + PAD_X,
            bottom,
            subtitle,
            HEAD_EN_SIZE,
            width=width - 2 * PAD_X,
            align=column.align,
        )
        x += width
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.35)
    pdf.line(pdf.l_margin, top + height, pdf.l_margin + sum(widths), top + height)
    pdf.set_line_width(0.2)
    pdf.set_y(top + height)


def _draw_row(
    pdf: DocumentPdf,
    columns: Sequence[Column],
    widths: Sequence[float],
    layouts: Sequence[_Layout],
    height: float,
    *,
    shaded: bool,
) -> None:
    top, x = pdf.get_y(), pdf.l_margin
    if shaded:
        pdf.set_fill_color(*ZEBRA_FILL)
        pdf.rect(x, top, sum(widths), height, style="F")
    for column, width, layout in zip(columns, widths, layouts, strict=True):
        inner = width - 2 * PAD_X
        use(pdf, BODY_SIZE, REGULAR, INK)
        bottom = draw_lines(
            pdf, x + PAD_X, top + PAD_Y, layout.lines, BODY_SIZE, width=inner, align=column.align
        )
        if layout.notes:
            use(pdf, NOTE_SIZE, REGULAR, MUTED)
            draw_lines(
                pdf, x + PAD_X, bottom, layout.notes, NOTE_SIZE, width=inner, align=column.align
            )
        x += width
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, top + height, pdf.l_margin + sum(widths), top + height)
    pdf.set_y(top + height)
