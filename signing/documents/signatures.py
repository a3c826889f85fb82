"""The signature area: one labelled, empty box per signer, returned as field placements."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .blocks import draw_lines, leading, section_heading, text_block
from .model import FieldPlacement
from .page import DocumentPdf
from .text import INK, MUTED, RULE, SEMIBOLD, clean, use, wrap

BOX_HEIGHT = 27.0
COLUMN_GAP = 8.0
ROW_GAP = 6.0
LABEL_GAP = 1.5
NAME_SIZE = 9.5
ROLE_SIZE = 8.0


@dataclass(frozen=True)
class Signer:
    """Who signs in which field."""

    field_name: str
    name: str
    role_label: str


def signature_area(
    pdf: DocumentPdf,
    signers: Sequence[Signer],
    *,
    title_et: str = "Allkirjad",
    title_en: str = "Signatures",
    intro: str = "Allkirjastatakse digitaalselt; allkirjastamise aeg on allkirja ajatemplis. / "
    "Signed digitally; the signing time is in each signature's timestamp.",
    columns: int = 2,
) -> tuple[FieldPlacement, ...]:
    """Draw the boxes two to a row, in signing order, each row kept on one page.

    Returns:
        The placements in the order of ``signers``, in PDF points (origin bottom-left).
    """
    width = (pdf.content_width - (columns - 1) * COLUMN_GAP) / columns
    rows = [signers[start : start + columns] for start in range(0, len(signers), columns)]
    labels = [[_label(pdf, signer, width) for signer in row] for row in rows]
    heights = [max(_label_height(label) for label in row) + BOX_HEIGHT for row in labels]
    section_heading(pdf, title_et, title_en, keep=12.0 + (heights[0] if heights else 0.0))
    text_block(pdf, intro, 8, color=MUTED, space_after=3.0)
    placements: list[FieldPlacement] = []
    for row, row_labels, height in zip(rows, labels, heights, strict=True):
        pdf.ensure_space(height)
        top = pdf.get_y()
        label_height = max(_label_height(label) for label in row_labels)
        for column, (signer, label) in enumerate(zip(row, row_labels, strict=True)):
            x = pdf.l_margin + column * (width + COLUMN_GAP)
            _draw_label(pdf, x, top, label)
            placements.append(_draw_box(pdf, signer, x, top + label_height, width))
        pdf.set_y(top + height + ROW_GAP)
    return tuple(placements)


_Label = tuple[list[str], list[str]]


def _label(pdf: DocumentPdf, signer: Signer, width: float) -> _Label:
    use(pdf, NAME_SIZE, SEMIBOLD)
    name = wrap(pdf, signer.name, width, 2)
    use(pdf, ROLE_SIZE)
    role = wrap(pdf, signer.role_label, width, 2)
    return name, role


def _label_height(label: _Label) -> float:
    name, role = label
    return len(name) * leading(NAME_SIZE) + len(role) * leading(ROLE_SIZE) + LABEL_GAP


def _draw_label(pdf: DocumentPdf, x: float, top: float, label: _Label) -> None:
    name, role = label
    use(pdf, NAME_SIZE, SEMIBOLD, INK)
    bottom = draw_lines(pdf, x, top, name, NAME_SIZE)
    use(pdf, ROLE_SIZE, color=MUTED)
    draw_lines(pdf, x, bottom, role, ROLE_SIZE)


def _draw_box(pdf: DocumentPdf, signer: Signer, x: float, y: float, width: float) -> FieldPlacement:
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.rect(x, y, width, BOX_HEIGHT)
    pdf.set_line_width(0.2)
    return FieldPlacement(
        name=signer.field_name,
        page=pdf.page - 1,
        box=to_user_space(pdf, x, y, width, BOX_HEIGHT),
        signer_name=clean(signer.name),
        role_label=clean(signer.role_label),
    )


def to_user_space(
    pdf: DocumentPdf, x: float, y: float, width: float, height: float
) -> tuple[int, int, int, int]:
    """Convert an fpdf2 rectangle (mm, origin top-left) to PDF points (origin bottom-left).

    Rounds inwards, so the integer box stays inside the drawn frame.
    """
    scale = pdf.k
    page_height = pdf.h
    return (
        math.ceil(x * scale),
        math.ceil((page_height - y - height) * scale),
        math.floor((x + width) * scale),
        math.floor((page_height - y) * scale),
    )
