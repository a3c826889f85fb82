"""Sample inputs for the document renderers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

from signing.documents import (
    AssessedParticipantLine,
    AssessmentProtocolData,
    CommissionProtocolData,
    CommitteeMemberLine,
    DecisionLine,
    ExtractData,
    ScoreLine,
)

ESTONIAN_LETTERS = "õäöüšžÕÄÖÜŠŽ"

_LAST_NAMES = ("Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Koppel")
_FIRST_NAMES = (
    "Mari",
    "Jüri",
    "Õnne",
    "Ülle",
    "Tõnu",
    "Käthe",
    "Žanna",
    "Šarlote",
    "Ööbik",
    "Aivar",
)
_SCHOOLS = (
    "Tallinna Polütehnikum",
    "Pärnumaa Kutsehariduskeskus",
    "Ida-Virumaa Kutsehariduskeskus",
)

CHAIR = CommitteeMemberLine("Mari Maasikas", "Hindamiskomisjoni esimees / Chair")


def personal_code(index: int) -> str:
    return f"4900101{index:04d}"


def assessment(participants: int = 12, **overrides: object) -> AssessmentProtocolData:
    parts = (("Teoreetiline osa", 40), ("Praktiline ülesanne", 60))
    lines = []
    for index in range(participants):
        absent = index % 7 == 6
        scores = tuple(
            ScoreLine(name, None if absent else (index * 7 + maximum // 2) % (maximum + 1), maximum)
            for name, maximum in parts
        )
        total = None if absent else sum(score.points or 0 for score in scores)
        result = (
            "Puudus / Absent"
            if absent
            else ("Sooritatud / Passed" if (total or 0) >= 60 else "Mittesooritatud / Failed")
        )
        lines.append(
            AssessedParticipantLine(
                last_name=_LAST_NAMES[index % len(_LAST_NAMES)],
                first_name=_FIRST_NAMES[index % len(_FIRST_NAMES)],
                personal_code=personal_code(index),
                scores=scores,
                total=total,
                result_label=result,
                absence_reason="haigus (tõend esitatud)" if absent else None,
            )
        )
    data = AssessmentProtocolData(
        document_id="HP-123",
        document_date=date(2026, 6, 12),
        exam_title="Keevitaja, tase 4 (versioon 2)",
        standard_code="KS-04-2024",
        ekr_level=4,
        awarding_body="Eesti Keevitusühing",
        school="Tallinna Polütehnikum",
        group_name="KEE-23",
        place="Pärnu mnt 57, Tallinn",
        room="B-214",
        exam_date=date(2026, 6, 10),
        exam_time=time(9, 30),
        pass_mark=60,
        max_total=100,
        committee=(
            CHAIR,
            CommitteeMemberLine("Jüri Õunapuu", "Hindamiskomisjoni liige / Member"),
            CommitteeMemberLine("Žanna Šiškina", "Hindamiskomisjoni liige / Member"),
        ),
        participants=tuple(lines),
    )
    return replace(data, **overrides)  # type: ignore[arg-type]


def decisions(count: int) -> tuple[DecisionLine, ...]:
    return tuple(
        DecisionLine(
            last_name=_LAST_NAMES[index % len(_LAST_NAMES)],
            first_name=_FIRST_NAMES[index % len(_FIRST_NAMES)],
            personal_code=personal_code(index),
            school=_SCHOOLS[index % len(_SCHOOLS)],
            result_label="Sooritatud / Passed" if index % 5 else "Mittesooritatud / Failed",
            awarded=bool(index % 5),
            qualification="Kutse / Full qualification" if index % 5 else "\u2014",
            specialisation="Metallkeevitus MIG/MAG" if index % 3 == 0 and index % 5 else None,
        )
        for index in range(count)
    )


def commission(count: int = 12, **overrides: object) -> CommissionProtocolData:
    data = CommissionProtocolData(
        number="KP-80253652-2026-4",
        document_date=date(2026, 6, 20),
        exam_title="Keevitaja, tase 4 (versioon 2)",
        standard_code="KS-04-2024",
        ekr_level=4,
        awarding_body="Eesti Keevitusühing",
        awarding_body_code="80253652",
        chair=CommitteeMemberLine(
            "Tõnu Õispuu", "Kutsekomisjoni esimees / Chair of the commission"
        ),
        decisions=decisions(count),
    )
    return replace(data, **overrides)  # type: ignore[arg-type]


def extract(count: int = 12, school: str = _SCHOOLS[0]) -> ExtractData:
    protocol = commission(count)
    own = tuple(line for line in protocol.decisions if line.school == school)
    return ExtractData(
        protocol=replace(protocol, decisions=own),
        school=school,
        school_code="70003218",
        protocol_sha256="9f2c" + "0123456789abcdef" * 3 + "deadbeefcafe",
        signed_by="Tõnu Õispuu",
        signed_at=datetime(2026, 6, 20, 11, 42, 5, tzinfo=UTC),
    )
