"""An exam whose groups were held yesterday, with results, committees and a commission chair."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from models.clock import today
from models.enums import CommitteeRole, ExamStatus, ParticipantKind, ParticipantResult, Role
from models.exam import Exam
from models.group import ExamGroup
from models.organisation import Organisation
from models.participant import Participant
from models.person import Person
from models.standard import PartialQualification, Standard
from tests.factories import (
    create_awarding_body,
    create_committee_member,
    create_curriculum,
    create_exam,
    create_group,
    create_participant,
    create_school,
    create_standard,
    create_student,
    create_user,
)
from tests.models.test_events import heard  # noqa: F401 - fixture: events this process hears
from tests.protocol.phone import (  # noqa: F401 - fixtures of the phone signing tests
    phone_api,
    phone_app,
    phone_setup,
    sim,
    sk_simulator,
)


@dataclass
class HeldExam:
    exam: Exam
    school: Organisation
    body: Organisation
    standard: Standard
    partial: PartialQualification
    groups: list[ExamGroup]
    committees: dict[int, list[Person]]  # group id → members, chair first
    participants: dict[int, list[Participant]]  # group id → participants
    chair: Person  # the commission chair
    body_user: Person
    school_user: Person
    other_assessor: Person  # an assessor of the body on no committee here
    results: dict[int, ParticipantResult] = field(default_factory=dict)


RESULTS = [
    ParticipantResult.PASSED,
    ParticipantResult.PARTIALLY_PASSED,
    ParticipantResult.FAILED,
    ParticipantResult.ABSENT,
]


async def make_held_exam(*, groups: int = 2, per_group: int = 4, **exam: object) -> HeldExam:
    school = await create_school(name="Tallinna Põhjaõhtu Kool")
    body = exam.pop("awarding_body", None) or await create_awarding_body(  # type: ignore[assignment]
        name="Eesti Keevitajate Ühing", code="80253652"
    )
    standard = await create_standard(name="Keevitaja, tase 4 (õõnes-šokk žürii)")
    partial = await PartialQualification.create(standard=standard, name="Käsikaarkeevitus")
    curriculum = await create_curriculum(school, standard)
    school_user = await create_user(Role.SCHOOL, school)
    body_user = await create_user(Role.AWARDING_BODY, body)
    chair = await create_user(Role.COMMISSION_CHAIR, body, first_name="Ülle", last_name="Šmidt")
    other = await create_user(Role.ASSESSOR, body)
    held = await create_exam(
        school=school,
        awarding_body=body,  # type: ignore[arg-type]
        standard=standard,
        curriculum=curriculum,
        responsible=school_user,
        status=ExamStatus.ACCEPTED,
        **exam,
    )
    result = HeldExam(
        held,
        school,
        body,
        standard,
        partial,
        [],
        {},
        {},
        chair,
        body_user,
        school_user,
        other,  # type: ignore[arg-type]
    )
    for g in range(groups):
        group = await create_group(held, date=today() - timedelta(days=1))
        members = [
            await create_user(Role.ASSESSOR, body, first_name=f"Õie{g}{k}", last_name="Kääriäinen")  # type: ignore[arg-type]
            for k in range(3)
        ]
        roles = [CommitteeRole.CHAIR, CommitteeRole.EMPLOYER, CommitteeRole.EMPLOYEE]
        for member, role in zip(members, roles, strict=True):
            await create_committee_member(group, member, role)
        result.groups.append(group)
        result.committees[group.id] = members
        result.participants[group.id] = []
        for i in range(per_group):
            student = await create_student(curriculum)
            outcome = RESULTS[i % len(RESULTS)]
            participant = await create_participant(
                held,
                group,
                person=await student.person,
                student=student,
                kind=ParticipantKind.GRADUATE,
                result=outcome,
                score=None if outcome is ParticipantResult.ABSENT else 50 + 10 * (3 - i % 4),
            )
            result.participants[group.id].append(participant)
            result.results[participant.id] = outcome
    return result


@pytest.fixture
async def held(empty_db) -> HeldExam:  # type: ignore[no-untyped-def]
    return await make_held_exam()
