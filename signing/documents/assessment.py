"""The assessment protocol (hindamisprotokoll) of one exam group."""

from __future__ import annotations

from collections import Counter

from .blocks import MetaRow, meta_rows, section_heading, text_block, title_block
from .metadata import DocumentInfo
from .model import AssessedParticipantLine, AssessmentProtocolData, RenderedDocument
from .page import DocumentPdf
from .signatures import Signer, signature_area
from .table import Cell, CellValue, Column, draw_table
from .text import DASH, MUTED, format_date, format_time

TITLE_ET = "Hindamisprotokoll"
TITLE_EN = "Assessment protocol"


def render_assessment_protocol(data: AssessmentProtocolData) -> RenderedDocument:
    """Render an assessment protocol with one signature box per committee member.

    Args:
        data: The protocol's content; ``committee`` is in signing order (chair first).

    Returns:
        The PDF/A-2B document; ``fields`` are named ``allkiri-1``, ``allkiri-2``, ...
        in the order of ``data.committee``.
    """
    pdf = DocumentPdf(
        DocumentInfo(
            title_et=TITLE_ET,
            title_en=TITLE_EN,
            reference=data.document_id,
            document_date=data.document_date,
            subject=f"{TITLE_ET} / {TITLE_EN}: {data.exam_title}, {data.group_name}",
            keywords=(TITLE_ET.lower(), TITLE_EN.lower(), data.standard_code, data.document_id),
            identity=f"assessment-protocol\n{data!r}",
        )
    )
    pdf.add_page()
    title_block(
        pdf,
        kicker=data.awarding_body,
        reference_label="Dokument / Document",
        reference=data.document_id,
    )
    meta_rows(pdf, _meta(data))
    section_heading(pdf, "Hindamistulemused", "Results", keep=25.0)
    parts = _parts(data.participants)
    draw_table(
        pdf,
        _columns(parts),
        [_row(n, line, parts) for n, line in enumerate(data.participants, start=1)],
    )
    pdf.set_y(pdf.get_y() + 2.0)
    text_block(pdf, _summary(data.participants), 8, color=MUTED)
    signers = [
        Signer(field_name=f"allkiri-{index}", name=member.name, role_label=member.role_label)
        for index, member in enumerate(data.committee, start=1)
    ]
    return pdf.render(signature_area(pdf, signers))


def _meta(data: AssessmentProtocolData) -> list[MetaRow]:
    venue = ", ".join(
        part for part in (data.place, f"ruum / room {data.room}" if data.room else None) if part
    )
    committee = "\n".join(f"{member.name} \u2013 {member.role_label}" for member in data.committee)
    return [
        MetaRow("Kutseeksam", "Qualification exam", data.exam_title),
        MetaRow(
            "Kutsestandard",
            "Occupational standard",
            f"{data.standard_code}, EKR {data.ekr_level}. tase / EQF level {data.ekr_level}",
        ),
        MetaRow("Kutse andja", "Awarding body", data.awarding_body),
        MetaRow("Kool", "School", data.school),
        MetaRow("Õpperühm", "Group", data.group_name),
        MetaRow("Toimumiskoht", "Venue", venue or DASH),
        MetaRow("Toimumisaeg", "Date and time", _when(data)),
        MetaRow(
            "Lävend",
            "Pass mark",
            f"{data.pass_mark} punkti {data.max_total}-st / {data.pass_mark} of {data.max_total} "
            "points",
        ),
        MetaRow("Hindamiskomisjon", "Assessment committee", committee or DASH),
        MetaRow("Protokolli kuupäev", "Protocol date", format_date(data.document_date)),
    ]


def _when(data: AssessmentProtocolData) -> str:
    if data.exam_time is None:
        return format_date(data.exam_date)
    return f"{format_date(data.exam_date)} {format_time(data.exam_time)}"


def _parts(participants: tuple[AssessedParticipantLine, ...]) -> dict[str, int]:
    parts: dict[str, int] = {}
    for participant in participants:
        for score in participant.scores:
            parts.setdefault(score.part_name, score.max_points)
    return parts


def _columns(parts: dict[str, int]) -> list[Column]:
    return [
        Column("Nr", "No.", 8, align="R"),
        Column("Perekonnanimi, eesnimi", "Last name, first name", 40),
        Column("Isikukood", "Personal code", 23),
        *(
            Column(name, f"max {maximum}", 17, align="R", max_lines=1)
            for name, maximum in parts.items()
        ),
        Column("Kokku", "Total", 14, align="R", max_lines=1),
        Column("Tulemus", "Result", 30),
    ]


def _row(number: int, line: AssessedParticipantLine, parts: dict[str, int]) -> list[CellValue]:
    points = {score.part_name: score.points for score in line.scores}
    reason = f"Põhjus / Reason: {line.absence_reason}" if line.absence_reason else None
    return [
        str(number),
        f"{line.last_name}, {line.first_name}",
        line.personal_code,
        *(_points(points.get(name)) for name in parts),
        _points(line.total),
        Cell(line.result_label, reason),
    ]


def _points(value: int | None) -> str:
    return DASH if value is None else str(value)


def _summary(participants: tuple[AssessedParticipantLine, ...]) -> str:
    counts = Counter(line.result_label for line in participants)
    results = " \u00b7 ".join(f"{label}: {count}" for label, count in counts.items())
    total = f"Osalejaid / Participants: {len(participants)}"
    return f"{total} \u00b7 {results}" if results else total
