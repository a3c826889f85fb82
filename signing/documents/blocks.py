"""Building blocks placed in the flow of a page: title, key/value rows, headings, notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .page import DocumentPdf
from .text import ACCENT, INK, MUTED, REGULAR, RULE, SEMIBOLD, Rgb, clean, measure, use, wrap

PT = 25.4 / 72
"""Millimetres per typographic point."""

LABEL_WIDTH = 62.0
LABEL_SIZE = 8.5
LABEL_EN_SIZE = 8.0
VALUE_SIZE = 9.5
ROW_PAD = 1.1


@dataclass(frozen=True)
class MetaRow:
    """One labelled value: Estonian label, English label, value (may wrap)."""

    label_et: str
    label_en: str
    value: str


def leading(size: float) -> float:
    """Line height in mm for a font ``size`` in points."""
    return size * PT * 1.28


def draw_lines(
    pdf: DocumentPdf,
    x: float,
    top: float,
    lines: Sequence[str],
    size: float,
    *,
    width: float = 0.0,
    align: str = "L",
) -> float:
    """Draw already wrapped ``lines`` in the current font from ``top``; return the bottom y."""
    step = leading(size)
    for index, line in enumerate(lines):
        offset = 0.0
        if align != "L" and width:
            free = width - measure(pdf, line)
            offset = free if align == "R" else free / 2
        baseline = top + index * step + step / 2 + 0.33 * size * PT
        pdf.text(x + offset, baseline, line)
    return top + len(lines) * step


def text_block(
    pdf: DocumentPdf,
    text: str,
    size: float,
    *,
    style: str = REGULAR,
    color: Rgb = INK,
    x: float | None = None,
    width: float | None = None,
    space_after: float = 0.0,
) -> None:
    """A wrapped paragraph in the flow, moving the cursor below it."""
    use(pdf, size, style, color)
    left = pdf.l_margin if x is None else x
    lines = wrap(pdf, text, width if width is not None else pdf.w - pdf.r_margin - left)
    pdf.ensure_space(len(lines) * leading(size))
    bottom = draw_lines(pdf, left, pdf.get_y(), lines, size)
    pdf.set_y(bottom + space_after)


def title_block(pdf: DocumentPdf, *, kicker: str, reference_label: str, reference: str) -> None:
    """The first page's heading: issuer line, reference, Estonian title, English subtitle."""
    top = pdf.get_y()
    width = pdf.content_width
    use(pdf, 8, SEMIBOLD, MUTED)
    draw_lines(pdf, pdf.l_margin, top, wrap(pdf, kicker.upper(), width * 0.6, 2), 8)
    use(pdf, 7.5, color=MUTED)
    draw_lines(pdf, pdf.l_margin, top, [reference_label], 7.5, width=width, align="R")
    use(pdf, 11, SEMIBOLD, INK)
    draw_lines(
        pdf, pdf.l_margin, top + leading(7.5), [clean(reference)], 11, width=width, align="R"
    )
    y = top + 10.0
    use(pdf, 20, SEMIBOLD, INK)
    y = draw_lines(pdf, pdf.l_margin, y, wrap(pdf, pdf.info.title_et, width), 20)
    use(pdf, 12, color=MUTED)
    y = draw_lines(pdf, pdf.l_margin, y, wrap(pdf, pdf.info.title_en, width), 12)
    y += 2.5
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.7)
    pdf.line(pdf.l_margin, y, pdf.l_margin + width, y)
    pdf.set_line_width(0.2)
    pdf.set_y(y + 4.0)


def meta_rows(pdf: DocumentPdf, rows: Sequence[MetaRow], *, x: float | None = None) -> None:
    """Labelled values, one per row, with hairlines between rows."""
    left = pdf.l_margin if x is None else x
    right = pdf.w - pdf.r_margin
    value_x = left + LABEL_WIDTH
    for row in rows:
        label = _lay_out_label(pdf, row, LABEL_WIDTH - 3.0)
        use(pdf, VALUE_SIZE)
        value_lines = wrap(pdf, row.value or "\u2014", right - value_x)
        height = max(label.height, len(value_lines) * leading(VALUE_SIZE)) + 2 * ROW_PAD
        pdf.ensure_space(height)
        top = pdf.get_y()
        _draw_label(pdf, left, top + ROW_PAD, label)
        use(pdf, VALUE_SIZE)
        draw_lines(pdf, value_x, top + ROW_PAD, value_lines, VALUE_SIZE)
        pdf.set_draw_color(*RULE)
        pdf.line(left, top + height, right, top + height)
        pdf.set_y(top + height)


@dataclass(frozen=True)
class _Label:
    et: list[str]
    en: list[str]
    inline: bool

    @property
    def height(self) -> float:
        if self.inline:
            return leading(VALUE_SIZE)
        return len(self.et) * leading(LABEL_SIZE) + len(self.en) * leading(LABEL_EN_SIZE)


def _lay_out_label(pdf: DocumentPdf, row: MetaRow, width: float) -> _Label:
    use(pdf, LABEL_SIZE, SEMIBOLD)
    et_width = measure(pdf, f"{clean(row.label_et)} ")
    use(pdf, LABEL_EN_SIZE)
    if et_width + measure(pdf, f"/ {clean(row.label_en)}") <= width:
        return _Label([clean(row.label_et)], [f"/ {clean(row.label_en)}"], inline=True)
    en = wrap(pdf, row.label_en, width)
    use(pdf, LABEL_SIZE, SEMIBOLD)
    return _Label(wrap(pdf, row.label_et, width), en, inline=False)


def _draw_label(pdf: DocumentPdf, x: float, top: float, label: _Label) -> None:
    use(pdf, LABEL_SIZE, SEMIBOLD, INK)
    if label.inline:
        # Both parts share the value's first baseline.
        baseline = top + leading(VALUE_SIZE) / 2 + 0.33 * VALUE_SIZE * PT
        pdf.text(x, baseline, label.et[0])
        after = x + measure(pdf, f"{label.et[0]} ")
        use(pdf, LABEL_EN_SIZE, color=MUTED)
        pdf.text(after, baseline, label.en[0])
        return
    bottom = draw_lines(pdf, x, top, label.et, LABEL_SIZE)
    use(pdf, LABEL_EN_SIZE, color=MUTED)
    draw_lines(pdf, x, bottom, label.en, LABEL_EN_SIZE)


def section_heading(pdf: DocumentPdf, title_et: str, title_en: str, *, keep: float) -> None:
    """A bilingual heading, kept on the same page as the next ``keep`` mm of content."""
    height = 5.0 + leading(11) + 2.0
    pdf.ensure_space(height + keep)
    top = pdf.get_y() + 5.0
    use(pdf, 11, SEMIBOLD)
    baseline = top + leading(11) / 2 + 0.33 * 11 * PT
    pdf.text(pdf.l_margin, baseline, clean(title_et))
    after = pdf.l_margin + measure(pdf, clean(title_et))
    use(pdf, 10, color=MUTED)
    pdf.text(after, baseline, f" / {clean(title_en)}")
    pdf.set_y(top + leading(11) + 2.0)


def note(pdf: DocumentPdf, heading_et: str, heading_en: str, rows: Sequence[MetaRow]) -> None:
    """A highlighted statement (bar on the left) followed by labelled values."""
    indent = 4.0
    start_page, top = pdf.page, pdf.get_y()
    text_block(pdf, heading_et, 10, style=SEMIBOLD, x=pdf.l_margin + indent)
    text_block(pdf, heading_en, 8.5, color=MUTED, x=pdf.l_margin + indent, space_after=1.0)
    meta_rows(pdf, rows, x=pdf.l_margin + indent)
    if pdf.page == start_page:
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(0.9)
        pdf.line(pdf.l_margin + 0.5, top, pdf.l_margin + 0.5, pdf.get_y())
        pdf.set_line_width(0.2)
    pdf.set_y(pdf.get_y() + 2.0)
