"""From the database to what a protocol document shows.

The renderer in `signing.documents` takes plain data; this module gathers it. Everything a
document prints comes from here, so the same rows always give the same document.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from models.enums import CommitteeRole, ParticipantResult
from models.exam import Exam
from models.group import CommitteeMember, ExamGroup
from models.organisation import Organisation
from models.participant import Participant
from models.person import Person
from models.protocol import Protocol
from models.standard import PartialQualification, Specialisation, Standard
from models.workflow.assessment import scoring_scheme_for
from signing.documents import (
    AssessedParticipantLine,
    AssessmentProtocolData,
    CommissionProtocolData,
    CommitteeMemberLine,
    DecisionLine,
    ExtractData,
    ScoreLine,
)

COMMITTEE_ROLE_LABELS = {
    CommitteeRole.CHAIR: "Esimees / Chair",
    CommitteeRole.EMPLOYER: "Tööandjate esindaja / Employers' representative",
    CommitteeRole.EMPLOYEE: "Töötajate esindaja / Employees' representative",
    CommitteeRole.TEACHER: "Õpetaja / Teacher",
    CommitteeRole.INDEPENDENT: "Sõltumatu ekspert / Independent expert",
}
COMMISSION_CHAIR_LABEL = "Kutsekomisjoni esimees / Chair of the qualification commission"
RESULT_LABELS = {
    ParticipantResult.PASSED: "Sooritatud / Passed",
    ParticipantResult.PARTIALLY_PASSED: "Osaliselt sooritatud / Partially passed",
    ParticipantResult.FAILED: "Mittesooritatud / Failed",
    ParticipantResult.ABSENT: "Puudus / Absent",
}
FULL_QUALIFICATION = "Kutse / Full qualification"


def full_name(person: Person) -> str:
    return f"{person.first_name} {person.last_name}"


def exam_title(standard: Standard) -> str:
    """The standard's name (which carries its level, "Keevitaja, tase 4") and version."""
    return f"{standard.name} (versioon {standard.version})"


async def committee_of(
    group_id: int, connection: BaseDBAsyncClient
) -> list[tuple[Person, CommitteeRole]]:
    """The group's committee, chair first, then by role and name: the signing order."""
    members = (
        await CommitteeMember.filter(group_id=group_id)
        .using_db(connection)
        .prefetch_related("person")
    )
    order = list(CommitteeRole)
    members.sort(key=lambda m: (order.index(m.role), m.person.last_name, m.person.first_name))
    return [(m.person, m.role) for m in members]


async def _participants(
    connection: BaseDBAsyncClient, **where: object
) -> list[tuple[Participant, Person]]:
    rows = (
        await Participant.filter(**where)
        .using_db(connection)
        .prefetch_related("person")
        .order_by("id")
    )
    rows.sort(key=lambda p: (p.person.last_name, p.person.first_name, p.person.personal_code))
    return [(p, p.person) for p in rows]


async def assessment_data(
    protocol: Protocol, connection: BaseDBAsyncClient
) -> AssessmentProtocolData:
    exam = await Exam.get(id=protocol.exam_id, using_db=connection)
    assert protocol.group_id is not None
    group = await ExamGroup.get(id=protocol.group_id, using_db=connection)
    standard = await Standard.get(id=exam.standard_id, using_db=connection)
    body = await Organisation.get(id=exam.awarding_body_id, using_db=connection)
    school = await Organisation.get(id=exam.school_id, using_db=connection)
    scheme = await scoring_scheme_for(exam.scoring_scheme_id, exam.awarding_body_id)
    parts = list(scheme["parts"])
    lines = []
    for participant, person in await _participants(connection, group_id=group.id):
        scores = participant.scores or {}
        lines.append(
            AssessedParticipantLine(
                last_name=person.last_name,
                first_name=person.first_name,
                personal_code=person.personal_code,
                scores=tuple(
                    ScoreLine(
                        part_name=str(part["name"]),
                        points=scores.get(str(part["code"])),
                        max_points=int(part["max"]),
                    )
                    for part in parts
                ),
                total=participant.score,
                result_label=RESULT_LABELS.get(participant.result, "—")
                if participant.result
                else "—",
                absence_reason=participant.absence_reason,
            )
        )
    return AssessmentProtocolData(
        document_id=f"HP-{protocol.id}",
        document_date=protocol.date,
        exam_title=exam_title(standard),
        standard_code=standard.code,
        ekr_level=standard.ekr_level,
        awarding_body=body.name,
        school=school.name,
        group_name=group.name,
        place=group.place,
        room=group.room,
        exam_date=group.date,
        exam_time=group.time,
        pass_mark=int(scheme["pass_mark"]),
        max_total=sum(int(part["max"]) for part in parts),
        committee=tuple(
            CommitteeMemberLine(name=full_name(person), role_label=COMMITTEE_ROLE_LABELS[role])
            for person, role in await committee_of(group.id, connection)
        ),
        participants=tuple(lines),
    )


async def decision_lines(
    exam: Exam, connection: BaseDBAsyncClient, *, school_id: int | None = None
) -> tuple[DecisionLine, ...]:
    """Every participant's decision; with `school_id`, only that school's students."""
    partials = {
        pq.id: pq.name
        for pq in await PartialQualification.filter(standard_id=exam.standard_id).using_db(
            connection
        )
    }
    specialisations = {
        s.id: s.name
        for s in await Specialisation.filter(standard_id=exam.standard_id).using_db(connection)
    }
    school = await Organisation.get(id=exam.school_id, using_db=connection)
    where: dict[str, object] = {"exam_id": exam.id}
    if school_id is not None:
        # Graduates and retakers are the exam school's students; work-world applicants
        # belong to no school.
        if school_id != exam.school_id:
            return ()
        where["student_id__isnull"] = False
    lines = []
    for participant, person in await _participants(connection, **where):
        awarded = bool(participant.awarded)
        if not awarded:
            qualification = "—"
        elif participant.partial_qualification_id is not None:
            name = partials[participant.partial_qualification_id]
            qualification = f"Osakutse: {name} / Partial qualification"
        else:
            qualification = FULL_QUALIFICATION
        lines.append(
            DecisionLine(
                last_name=person.last_name,
                first_name=person.first_name,
                personal_code=person.personal_code,
                school=school.name if participant.student_id else "—",
                result_label=RESULT_LABELS[participant.result] if participant.result else "—",
                awarded=awarded,
                qualification=qualification,
                specialisation=specialisations.get(participant.specialisation_id)
                if participant.specialisation_id
                else None,
            )
        )
    return tuple(lines)


async def commission_data(
    protocol: Protocol, connection: BaseDBAsyncClient, *, school_id: int | None = None
) -> CommissionProtocolData:
    exam = await Exam.get(id=protocol.exam_id, using_db=connection)
    standard = await Standard.get(id=exam.standard_id, using_db=connection)
    body = await Organisation.get(id=exam.awarding_body_id, using_db=connection)
    assert protocol.chair_id is not None
    assert protocol.number is not None
    chair = await Person.get(id=protocol.chair_id, using_db=connection)
    return CommissionProtocolData(
        number=protocol.number,
        document_date=protocol.date,
        exam_title=exam_title(standard),
        standard_code=standard.code,
        ekr_level=standard.ekr_level,
        awarding_body=body.name,
        awarding_body_code=body.code,
        chair=CommitteeMemberLine(name=full_name(chair), role_label=COMMISSION_CHAIR_LABEL),
        decisions=await decision_lines(exam, connection, school_id=school_id),
    )


async def extract_data(
    protocol: Protocol,
    school: Organisation,
    *,
    protocol_sha256: str,
    signed_by: str,
    signed_at: datetime,
    connection: BaseDBAsyncClient,
) -> ExtractData:
    return ExtractData(
        protocol=await commission_data(protocol, connection, school_id=school.id),
        school=school.name,
        school_code=school.code,
        protocol_sha256=protocol_sha256,
        signed_by=signed_by,
        signed_at=signed_at,
    )
