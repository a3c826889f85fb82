"""Plain async factories: each creates one row with sensible defaults, overridable."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from models.clock import today
from models.curriculum import Curriculum, CurriculumStandard
from models.enums import (
    CommitteeRole,
    ExamStatus,
    FundingCode,
    OrganisationKind,
    ParticipantKind,
    ParticipantResult,
    ProtocolKind,
    ProtocolStatus,
    Role,
    SignatureMethod,
)
from models.exam import Exam
from models.group import CommitteeMember, ExamGroup
from models.organisation import Organisation
from models.participant import Participant
from models.person import Person, RoleAssignment
from models.personal_code import make_personal_code
from models.protocol import Protocol, Signature
from models.standard import Standard, StandardAwardingBody
from models.student import Student

_serial = itertools.count(1)


def personal_code(serial: int | None = None, *, born: date | None = None) -> str:
    """A valid Estonian personal code, unique per call unless `serial` is given."""
    serial = next(_serial) if serial is None else serial
    return make_personal_code(born or date(2004, 3, 15), serial)


async def create_organisation(**overrides: Any) -> Organisation:
    n = next(_serial)
    values: dict[str, Any] = {
        "kind": OrganisationKind.SCHOOL,
        "code": f"{7000 + n}",
        "name": f"Kool {n}",
    }
    values.update(overrides)
    return await Organisation.create(**values)


async def create_school(**overrides: Any) -> Organisation:
    return await create_organisation(kind=OrganisationKind.SCHOOL, **overrides)


async def create_awarding_body(**overrides: Any) -> Organisation:
    n = next(_serial)
    values = {"code": f"{80000000 + n}", "name": f"Kutse andja {n}"}
    values.update(overrides)
    return await create_organisation(kind=OrganisationKind.AWARDING_BODY, **values)


async def create_person(**overrides: Any) -> Person:
    n = next(_serial)
    values: dict[str, Any] = {
        "personal_code": personal_code(n),
        "first_name": f"Jüri{n}",
        "last_name": f"Õunapuu{n}",
    }
    values.update(overrides)
    return await Person.create(**values)


async def create_user(
    role: Role, organisation: Organisation | None = None, **overrides: Any
) -> Person:
    person = await create_person(**overrides)
    await RoleAssignment.create(person=person, role=role, organisation=organisation)
    return person


async def create_standard(**overrides: Any) -> Standard:
    n = next(_serial)
    values: dict[str, Any] = {
        "code": f"S{n}",
        "version": 1,
        "name": f"Keevitaja {n}, tase 4",
        "occupational_area": "Keevitus",
        "ekr_level": 4,
        "eqf_level": 4,
        "valid_from": today() - timedelta(days=365),
        "valid_until": today() + timedelta(days=365 * 4),
    }
    values.update(overrides)
    return await Standard.create(**values)


async def create_curriculum(
    school: Organisation, standard: Standard | None = None, **overrides: Any
) -> Curriculum:
    n = next(_serial)
    values: dict[str, Any] = {
        "school": school,
        "ehis_code": f"{100000 + n}",
        "name": f"Keevitaja {n}",
        "level_type_code": "441",
        "level_type_name": "Neljanda taseme kutseõppe esmaõpe",
        "nominal_years": 3,
        "registered_on": date(2020, 10, 2),
    }
    values.update(overrides)
    curriculum = await Curriculum.create(**values)
    if standard is not None:
        await CurriculumStandard.create(curriculum=curriculum, standard=standard)
    return curriculum


async def create_student(curriculum: Curriculum, **overrides: Any) -> Student:
    person = overrides.pop("person", None) or await create_person()
    values: dict[str, Any] = {
        "person": person,
        "curriculum": curriculum,
        "course": 3,
        "funding_code": FundingCode.R,
        "started_on": today() - timedelta(days=800),
        "ends_on": today() + timedelta(days=200),
    }
    values.update(overrides)
    return await Student.create(**values)


async def create_exam(**overrides: Any) -> Exam:
    school = overrides.pop("school", None) or await create_school()
    body = overrides.pop("awarding_body", None) or await create_awarding_body()
    standard = overrides.pop("standard", None) or await create_standard()
    curriculum = overrides.pop("curriculum", None) or await create_curriculum(school, standard)
    await StandardAwardingBody.get_or_create(standard=standard, awarding_body=body)
    responsible = overrides.pop("responsible", None) or await create_user(Role.SCHOOL, school)
    status = overrides.get("status", ExamStatus.SUBMITTED)
    values: dict[str, Any] = {
        "school": school,
        "awarding_body": body,
        "standard": standard,
        "curriculum": curriculum,
        "graduation_date": today() + timedelta(days=60),
        "final_course": 3,
        "responsible": responsible,
        "created_by": responsible,
        "status": status,
        "submitted_at": None if status == ExamStatus.DRAFT else datetime.now(UTC),
    }
    values.update(overrides)
    return await Exam.create(**values)


async def create_group(exam: Exam, **overrides: Any) -> ExamGroup:
    n = next(_serial)
    values: dict[str, Any] = {
        "exam": exam,
        "name": f"Keevitaja, tase 4 (G{n})",
        "limit": 25,
        "date": today() + timedelta(days=30),
        "time": time(9, 0),
        "place": "garaaž",
        "room": "A220",
    }
    values.update(overrides)
    return await ExamGroup.create(**values)


async def create_participant(
    exam: Exam, group: ExamGroup | None = None, **overrides: Any
) -> Participant:
    person = overrides.pop("person", None) or await create_person()
    values: dict[str, Any] = {
        "exam": exam,
        "group": group,
        "person": person,
        "kind": ParticipantKind.GRADUATE,
        "course": 3,
        "funding_code": FundingCode.R,
        "special_needs": False,
    }
    values.update(overrides)
    return await Participant.create(**values)


async def create_committee_member(
    group: ExamGroup, person: Person, role: CommitteeRole = CommitteeRole.EMPLOYER
) -> CommitteeMember:
    return await CommitteeMember.create(group=group, person=person, role=role)


async def create_protocol(exam: Exam, group: ExamGroup | None = None, **overrides: Any) -> Protocol:
    kind = ProtocolKind.ASSESSMENT if group is not None else ProtocolKind.COMMISSION
    values: dict[str, Any] = {
        "exam": exam,
        "group": group,
        "kind": kind,
        "date": today(),
        "status": ProtocolStatus.SIGNED,
        "number": None if group is not None else f"KP-{next(_serial)}",
    }
    values.update(overrides)
    return await Protocol.create(**values)


async def create_signature(protocol: Protocol, signer: Person, **overrides: Any) -> Signature:
    values: dict[str, Any] = {
        "protocol": protocol,
        "signer": signer,
        "signer_role": "CHAIR",
        "method": SignatureMethod.SERVER_KEY,
        "signed_at": datetime.now(UTC),
        "certificate_subject": f"CN={signer.last_name},{signer.first_name}",
        "certificate_serial": "01",
    }
    values.update(overrides)
    return await Signature.create(**values)


@dataclass
class PermissionWorld:
    """Two awarding bodies and two schools, for permission matrices (``viewers`` by name)."""

    organisations: dict[str, Organisation]
    exams: dict[str, Exam]
    groups: dict[str, ExamGroup]
    participants: dict[str, Participant]
    viewers: dict[str, tuple[Person, Role] | None]


async def create_permission_world() -> PermissionWorld:
    """School A has a submitted exam (groups G1 and G2, an assessor in G1) and a draft; school
    B one submitted exam (group GB), each sent to its own awarding body. Viewers: the public,
    each school, body and commission chair, the assessor and the registry admin."""
    body_a, body_b = await create_awarding_body(), await create_awarding_body()
    school_a, school_b = await create_school(), await create_school()
    exam_a = await create_exam(school=school_a, awarding_body=body_a)
    draft_a = await create_exam(school=school_a, awarding_body=body_a, status=ExamStatus.DRAFT)
    exam_b = await create_exam(school=school_b, awarding_body=body_b)
    g1 = await create_group(exam_a, name="G1")
    g2 = await create_group(exam_a, name="G2")
    gb = await create_group(exam_b, name="GB")
    p1 = await create_participant(
        exam_a,
        g1,
        funding_code=FundingCode.R,
        special_needs=True,
        result=ParticipantResult.PASSED,
        score=88,
    )
    p2 = await create_participant(exam_a, g2, funding_code=FundingCode.T, score=None)
    pd = await create_participant(draft_a, None)
    pb = await create_participant(exam_b, gb, funding_code=FundingCode.M)
    assessor = await create_user(Role.ASSESSOR, body_a)
    await create_committee_member(g1, assessor, CommitteeRole.EMPLOYER)
    viewers: dict[str, tuple[Person, Role] | None] = {
        "public": None,
        "school_a": (await create_user(Role.SCHOOL, school_a), Role.SCHOOL),
        "school_b": (await create_user(Role.SCHOOL, school_b), Role.SCHOOL),
        "body_a": (await create_user(Role.AWARDING_BODY, body_a), Role.AWARDING_BODY),
        "body_b": (await create_user(Role.AWARDING_BODY, body_b), Role.AWARDING_BODY),
        "assessor_a": (assessor, Role.ASSESSOR),
        "chair_a": (await create_user(Role.COMMISSION_CHAIR, body_a), Role.COMMISSION_CHAIR),
        "chair_b": (await create_user(Role.COMMISSION_CHAIR, body_b), Role.COMMISSION_CHAIR),
        "admin": (await create_user(Role.REGISTRY_ADMIN, None), Role.REGISTRY_ADMIN),
    }
    return PermissionWorld(
        organisations={
            "body_a": body_a,
            "body_b": body_b,
            "school_a": school_a,
            "school_b": school_b,
        },
        exams={"exam_a": exam_a, "draft_a": draft_a, "exam_b": exam_b},
        groups={"G1": g1, "G2": g2, "GB": gb},
        participants={"p1": p1, "p2": p2, "pd": pd, "pb": pb},
        viewers=viewers,
    )
