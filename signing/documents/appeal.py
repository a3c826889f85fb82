"""The qualification commission's decision on an appeal (vaideotsus), signed by its chair."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .blocks import MetaRow, meta_rows, section_heading, text_block, title_block
from .metadata import DocumentInfo
from .model import RenderedDocument
from .page import DocumentPdf
from .signatures import Signer, signature_area
from .text import format_date

TITLE_ET = "Kutsekomisjoni otsus vaide kohta"
TITLE_EN = "Qualification commission's decision on an appeal"
OUTCOMES = {
    True: "Vaie rahuldatakse / The appeal is upheld",
    False: "Vaie jäetakse rahuldamata / The appeal is rejected",
}
SUBJECTS = {
    "RESULT": "Hindamistulemus / Assessment result",
    "DECISION": "Kutsekomisjoni otsus / Commission's decision",
}


@dataclass(frozen=True)
class AppealDecisionData:
    """What the decision says (names only: never a personal code)."""

    reference: str
    awarding_body: str
    awarding_body_code: str
    examinee: str
    standard: str
    subject: str  # AppealSubject value
    received_on: date
    decided_on: date
    upheld: bool
    appeal_reason: str
    decision_reason: str
    chair_name: str
    contested_protocol: str | None


def render_appeal_decision(data: AppealDecisionData) -> RenderedDocument:
    """Render the decision with one signature box, the commission chair's.

    Args:
        data: The decision's content.

    Returns:
        The PDF/A-2B document with the single field ``allkiri-1``.
    """
    pdf = DocumentPdf(
        DocumentInfo(
            title_et=TITLE_ET,
            title_en=TITLE_EN,
            reference=data.reference,
            document_date=data.decided_on,
            subject=f"{TITLE_ET} / {TITLE_EN} {data.reference}",
            keywords=("vaie", "appeal", data.reference),
            identity=f"appeal-decision\n{data!r}",
        )
    )
    pdf.add_page()
    title_block(
        pdf,
        kicker=data.awarding_body,
        reference_label="Otsus nr / Decision no.",
        reference=data.reference,
    )
    meta_rows(
        pdf,
        [
            MetaRow("Otsuse kuupäev", "Date of decision", format_date(data.decided_on)),
            MetaRow(
                "Kutse andja",
                "Awarding body",
                f"{data.awarding_body} (registrikood / registry code {data.awarding_body_code})",
            ),
            MetaRow("Vaide esitaja", "Appellant", data.examinee),
            MetaRow("Kutsestandard", "Occupational standard", data.standard),
            MetaRow("Vaidlustatud", "Contested", SUBJECTS[data.subject]),
            MetaRow(
                "Vaidlustatud protokoll",
                "Contested protocol",
                data.contested_protocol or "—",
            ),
            MetaRow("Vaie saabus", "Appeal received", format_date(data.received_on)),
            MetaRow("Kutsekomisjoni esimees", "Commission chair", data.chair_name),
        ],
    )
    section_heading(pdf, "Vaide põhjendus", "Grounds of the appeal", keep=15.0)
    text_block(pdf, data.appeal_reason, 10, space_after=3.0)
    section_heading(pdf, "Otsus", "Decision", keep=15.0)
    text_block(pdf, OUTCOMES[data.upheld], 11, space_after=2.0)
    text_block(pdf, data.decision_reason, 10, space_after=3.0)
    chair = Signer(
        field_name="allkiri-1",
        name=data.chair_name,
        role_label="Kutsekomisjoni esimees / Commission chair",
    )
    return pdf.render(signature_area(pdf, [chair], title_et="Allkiri", title_en="Signature"))
