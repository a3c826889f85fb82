"""A school's extract (väljavõte) of a signed commission protocol, sealed by the system."""

from __future__ import annotations

from datetime import UTC

from .blocks import MetaRow, meta_rows, note, section_heading, title_block
from .commission import decision_table, protocol_meta
from .metadata import DocumentInfo
from .model import ExtractData, RenderedDocument
from .page import DocumentPdf
from .signatures import Signer, signature_area
from .text import format_datetime

TITLE_ET = "Väljavõte kutsekomisjoni protokollist"
TITLE_EN = "Extract from a qualification commission protocol"
SEAL_FIELD = "e-tempel"
SEAL_NAME = "Eksamihaldus"
SEAL_ROLE = "Süsteemi e-tempel / System e-seal"


def render_extract(data: ExtractData) -> RenderedDocument:
    """Render the extract for one school with a single e-seal field.

    The decisions printed are exactly ``data.protocol.decisions``: the caller filters
    them to the school. The creation date is the day the protocol was signed.

    Returns:
        The PDF/A-2B document; its one field is ``e-tempel``.
    """
    protocol = data.protocol
    signed_day = (
        data.signed_at.astimezone(UTC).date() if data.signed_at.tzinfo else data.signed_at.date()
    )
    pdf = DocumentPdf(
        DocumentInfo(
            title_et=TITLE_ET,
            title_en=TITLE_EN,
            reference=protocol.number,
            document_date=signed_day,
            subject=f"{TITLE_ET} {protocol.number} / {TITLE_EN} {protocol.number}: {data.school}",
            keywords=("väljavõte", "extract", protocol.number, data.school_code),
            identity=f"commission-extract\n{data!r}",
        )
    )
    pdf.add_page()
    title_block(
        pdf,
        kicker=protocol.awarding_body,
        reference_label="Protokoll nr / Protocol no.",
        reference=protocol.number,
    )
    meta_rows(
        pdf,
        [
            MetaRow(
                "Kool", "School", f"{data.school} (registrikood / registry code {data.school_code})"
            ),
            *protocol_meta(protocol),
        ],
    )
    pdf.set_y(pdf.get_y() + 5.0)
    note(
        pdf,
        f"Väljavõte kutsekomisjoni protokollist {protocol.number}",
        f"Extract from commission protocol {protocol.number}",
        [
            MetaRow(
                "Sisu",
                "Contents",
                "Ainult selle kooli õppijate otsused / "
                "Only the decisions on this school's learners",
            ),
            MetaRow("Protokolli SHA-256", "Protocol SHA-256", data.protocol_sha256),
            MetaRow("Protokolli allkirjastas", "Protocol signed by", data.signed_by),
            MetaRow("Allkirjastamise aeg", "Signed at", format_datetime(data.signed_at)),
        ],
    )
    section_heading(pdf, "Kutsekomisjoni otsused", "Decisions", keep=25.0)
    decision_table(pdf, protocol.decisions, with_school=False)
    seal = Signer(field_name=SEAL_FIELD, name=SEAL_NAME, role_label=SEAL_ROLE)
    fields = signature_area(
        pdf,
        [seal],
        title_et="E-tempel",
        title_en="E-seal",
        intro="Väljavõtte vastavust allkirjastatud protokollile kinnitab Eksamihalduse e-tempel. / "
        "The Eksamihaldus e-seal certifies that the extract matches the signed protocol.",
    )
    return pdf.render(fields)
