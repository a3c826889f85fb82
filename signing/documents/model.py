"""Input and output records of the document renderers (plain, immutable data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time


@dataclass(frozen=True)
class FieldPlacement:
    """Where a signature field goes: a PDF form field name and its rectangle.

    ``box`` is ``(x1, y1, x2, y2)`` in PDF user-space points with the origin at the
    bottom-left of the page, as pyHanko's ``SigFieldSpec(box=...)`` expects; ``page``
    is the 0-based page index (``SigFieldSpec(on_page=...)``).
    """

    name: str
    page: int
    box: tuple[int, int, int, int]
    signer_name: str
    role_label: str


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered PDF, its signature fields in signing order and the hex SHA-256 of ``pdf``."""

    pdf: bytes
    fields: tuple[FieldPlacement, ...]
    sha256: str


@dataclass(frozen=True)
class CommitteeMemberLine:
    """A person who signs, e.g. ``("Mari Maasikas", "Hindamiskomisjoni esimees / Chair")``."""

    name: str
    role_label: str


@dataclass(frozen=True)
class ScoreLine:
    """Points for one exam part; ``points`` is None when not assessed."""

    part_name: str
    points: int | None
    max_points: int


@dataclass(frozen=True)
class AssessedParticipantLine:
    """One participant's row in an assessment protocol."""

    last_name: str
    first_name: str
    personal_code: str
    scores: tuple[ScoreLine, ...]
    total: int | None
    result_label: str
    absence_reason: str | None


@dataclass(frozen=True)
class AssessmentProtocolData:
    """Everything printed on an assessment protocol (hindamisprotokoll)."""

    document_id: str
    document_date: date
    exam_title: str
    standard_code: str
    ekr_level: int
    awarding_body: str
    school: str
    group_name: str
    place: str | None
    room: str | None
    exam_date: date | None
    exam_time: time | None
    pass_mark: int
    max_total: int
    committee: tuple[CommitteeMemberLine, ...]
    participants: tuple[AssessedParticipantLine, ...]


@dataclass(frozen=True)
class DecisionLine:
    """One participant's row in a commission protocol."""

    last_name: str
    first_name: str
    personal_code: str
    school: str
    result_label: str
    awarded: bool
    qualification: str
    specialisation: str | None


@dataclass(frozen=True)
class CommissionProtocolData:
    """Everything printed on a qualification commission protocol (kutsekomisjoni protokoll)."""

    number: str
    document_date: date
    exam_title: str
    standard_code: str
    ekr_level: int
    awarding_body: str
    awarding_body_code: str
    chair: CommitteeMemberLine
    decisions: tuple[DecisionLine, ...]
    # A corrected protocol (after an upheld appeal): the number of the protocol it corrects.
    corrects: str | None = None


@dataclass(frozen=True)
class ExtractData:
    """A school's extract of a signed commission protocol.

    ``protocol.decisions`` must already be filtered to this school's lines; the
    renderer prints exactly the lines it is given.
    """

    protocol: CommissionProtocolData
    school: str
    school_code: str
    protocol_sha256: str
    signed_by: str
    signed_at: datetime
