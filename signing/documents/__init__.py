"""PDF/A-2B protocols and extracts rendered with fpdf2, ready for PAdES signing.

Rendering is deterministic: the same input gives the same bytes. Each document returns
the placements of its signature fields so the signer's stamp lands in the drawn box.
"""

from .appeal import AppealDecisionData, render_appeal_decision
from .assessment import render_assessment_protocol
from .commission import render_commission_protocol
from .extract import render_extract
from .model import (
    AssessedParticipantLine,
    AssessmentProtocolData,
    CommissionProtocolData,
    CommitteeMemberLine,
    DecisionLine,
    ExtractData,
    FieldPlacement,
    RenderedDocument,
    ScoreLine,
)

__all__ = [
    "AppealDecisionData",
    "AssessedParticipantLine",
    "AssessmentProtocolData",
    "CommissionProtocolData",
    "CommitteeMemberLine",
    "DecisionLine",
    "ExtractData",
    "FieldPlacement",
    "RenderedDocument",
    "ScoreLine",
    "render_appeal_decision",
    "render_assessment_protocol",
    "render_commission_protocol",
    "render_extract",
]
