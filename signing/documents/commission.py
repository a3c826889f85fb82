"""The qualification commission protocol (kutsekomisjoni protokoll) and its decision table."""

from __future__ import annotations

from collections.abc import Sequence

from .blocks import MetaRow, meta_rows, section_heading, text_block, title_block
from .metadata import DocumentInfo
from .model import CommissionProtocolData, DecisionLine, RenderedDocument
from .page import DocumentPdf
from .signatures import Signer, signature_area
from .table import Cell, CellValue, Column, draw_table
from .text import MUTED, format_date

TITLE_ET = "Kutsekomisjoni protokoll"
TITLE_EN = "Qualification commission protocol"
AWARDED = "Omistatud / Awarded"
NOT_AWARDED = "Ei omistatud / Not awarded"


def render_commission_protocol(data: CommissionProtocolData) -> RenderedDocument:
    """Render a commission protocol with one signature box, the chair's.

    Args:
        data: The protocol's content, decisions in the order they are printed.

    Returns:
        The PDF/A-2B document with the single field ``allkiri-1``.
    """
    pdf = DocumentPdf(
        DocumentInfo(
            title_et=TITLE_ET,
            title_en=TITLE_EN,
            reference=data.number,
            document_date=data.document_date,
            subject=f"{TITLE_ET} / {TITLE_EN} {data.number}: {data.exam_title}",
            keywords=(TITLE_ET.lower(), TITLE_EN.lower(), data.standard_code, data.number),
            identity=f"commission-protocol\n{data!r}",
        )
    )
    pdf.add_page()
    title_block(
        pdf,
        kicker=data.awarding_body,
        reference_label="Protokoll nr / Protocol no.",
        reference=data.number,
    )
    meta_rows(
        pdf,
        [
            *protocol_meta(data),
            MetaRow("Kutsekomisjoni esimees", "Commission chair", data.chair.name),
        ],
    )
    section_heading(pdf, "Kutsekomisjoni otsused", "Decisions", keep=25.0)
    decision_table(pdf, data.decisions, with_school=True)
    chair = Signer(field_name="allkiri-1", name=data.chair.name, role_label=data.chair.role_label)
    return pdf.render(signature_area(pdf, [chair], title_et="Allkiri", title_en="Signature"))


def protocol_meta(data: CommissionProtocolData) -> list[MetaRow]:
    """The rows describing the exam and the awarding body (shared with the extract)."""
    return [
        MetaRow("Protokolli kuupäev", "Protocol date", format_date(data.document_date)),
        *(
            [MetaRow("Parandab protokolli", "Corrects protocol", data.corrects)]
            if data.corrects
            else []
        ),
        MetaRow("Kutseeksam", "Qualification exam", data.exam_title),
        MetaRow(
            "Kutsestandard",
            "Occupational standard",
            f"{data.standard_code}, EKR {data.ekr_level}. tase / EQF level {data.ekr_level}",
        ),
        MetaRow(
            "Kutse andja",
            "Awarding body",
            f"{data.awarding_body} (registrikood / registry code {data.awarding_body_code})",
        ),
    ]


def decision_table(
    pdf: DocumentPdf, decisions: Sequence[DecisionLine], *, with_school: bool
) -> None:
    """The numbered decisions and a one-line count under them."""
    columns = [
        Column("Nr", "No.", 8, align="R"),
        Column("Perekonnanimi, eesnimi", "Last name, first name", 34),
        Column("Isikukood", "Personal code", 21),
        *([Column("Kool", "School", 32)] if with_school else []),
        Column("Tulemus", "Result", 25),
        Column("Kutse andmine", "Decision", 22),
        Column("Kutse", "Qualification", 38),
    ]
    rows = [_row(number, line, with_school) for number, line in enumerate(decisions, start=1)]
    draw_table(pdf, columns, rows)
    awarded = sum(1 for line in decisions if line.awarded)
    pdf.set_y(pdf.get_y() + 2.0)
    text_block(
        pdf,
        f"Otsuseid / Decisions: {len(decisions)} \u00b7 kutse omistatud / awarded: {awarded} "
        f"\u00b7 ei omistatud / not awarded: {len(decisions) - awarded}",
        8,
        color=MUTED,
    )


def _row(number: int, line: DecisionLine, with_school: bool) -> list[CellValue]:
    specialisation = (
        f"Spetsialiseerumine / Specialisation: {line.specialisation}"
        if line.specialisation
        else None
    )
    return [
        str(number),
        f"{line.last_name}, {line.first_name}",
        line.personal_code,
        *([line.school] if with_school else []),
        line.result_label,
        AWARDED if line.awarded else NOT_AWARDED,
        Cell(line.qualification, specialisation),
    ]
