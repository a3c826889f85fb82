"""Hand-counted compensation fixtures; the period is 2024-02-01 … 2024-03-31.

Rates for curriculum group 0715, PRACTICAL: 100,00 € from 2024-01-01, 120,00 € from
2024-03-01 (a change in the middle of the period). None for THEORY.

Body X, school A:
  C1 (0715 PRACTICAL, COMPLETED), two group dates:
     2024-02-20: R PASSED, Z FAILED, M PASSED, R ABSENT, work-world PASSED
                 → 2 × 10 000 = 20 000 cents; invoiced 1; not compensated 1; absent 1
     2024-03-05: R PASSED, T FAILED → 1 × 12 000 = 12 000; invoiced 1
  C2 (0715 PRACTICAL, COMPLETED) 2024-03-10: M PASSED, T PASSED, R ABSENT
     → no state-funded sitter: 0 × 12 000 = 0; invoiced 2; absent 1
  C3 (no curriculum group, COMPLETED) 2024-03-15: R PASSED → NO_CURRICULUM_GROUP
  C4 (0715 THEORY, COMPLETED) 2024-02-01: R PASSED → NO_RATE_IN_FORCE
  C5 (0715 PRACTICAL, ASSESSED) 2024-03-12: R PASSED → not counted (not completed)
  C6 (0715 PRACTICAL, COMPLETED) 2024-04-02: R PASSED → not counted (after the period)
Body Y, school B:
  C7 (0715 PRACTICAL, COMPLETED) 2024-03-20: R PASSED, Z PASSED → 2 × 12 000 = 24 000
Body X: 5 lines, 4 exams, 32 000 cents, 2 lines without rate; body Y: 24 000; all: 56 000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models.compensation import CompensationRate
from models.enums import ExamStatus, ExamType, FundingCode, ParticipantKind, Role
from tests.factories import (
    create_awarding_body,
    create_committee_member,
    create_curriculum,
    create_exam,
    create_group,
    create_participant,
    create_school,
    create_standard,
    create_user,
)
from tests.statistics.world import ABSENT, FAILED, PASSED, M, R, T, Z, at

PERIOD = {"dateFrom": "2024-02-01", "dateTo": "2024-03-31"}


@dataclass
class World:
    orgs: dict[str, Any]
    exams: dict[str, Any]
    rates: dict[str, CompensationRate]
    viewers: dict[str, tuple[Any, Role] | None]
    participants: dict[str, list[Any]]


async def make_world(*, with_rates: bool = True) -> World:
    school_a = await create_school(name="Tallinna Tööstushariduskeskus")
    school_b = await create_school(name="Võrumaa Kutsehariduskeskus")
    body_x = await create_awarding_body(name="Eesti Keevitusühing")
    body_y = await create_awarding_body(name="Eesti Masinatööstuse Liit")
    rates: dict[str, CompensationRate] = {}
    if with_rates:
        rates["jan"] = await CompensationRate.create(
            curriculum_group="0715",
            exam_type=ExamType.PRACTICAL,
            valid_from=date(2024, 1, 1),
            amount_cents=10_000,
        )
        rates["mar"] = await CompensationRate.create(
            curriculum_group="0715",
            exam_type=ExamType.PRACTICAL,
            valid_from=date(2024, 3, 1),
            amount_cents=12_000,
        )
    standard = await create_standard(name="Keevitaja, tase 4")
    curricula = {
        (school_a.id, "0715"): await create_curriculum(
            school_a, standard, name="Keevitaja", curriculum_group="0715"
        ),
        (school_a.id, None): await create_curriculum(school_a, standard, name="Lukksepp"),
        (school_b.id, "0715"): await create_curriculum(
            school_b, standard, name="CNC operaator", curriculum_group="0715"
        ),
    }
    exams: dict[str, Any] = {}
    participants: dict[str, list[Any]] = {}

    async def exam(
        name: str,
        school: Any,
        body: Any,
        groups: list[tuple[date, list[tuple[FundingCode | None, Any]]]],
        *,
        curriculum_group: str | None = "0715",
        exam_type: ExamType = ExamType.PRACTICAL,
        status: ExamStatus = ExamStatus.COMPLETED,
    ) -> None:
        exams[name] = await create_exam(
            school=school,
            awarding_body=body,
            standard=standard,
            curriculum=curricula[(school.id, curriculum_group)],
            status=status,
            exam_type=exam_type,
            submitted_at=at(2024, 1, 2),
            accepted_at=at(2024, 1, 5),
            completed_at=at(2024, 4, 10) if status is ExamStatus.COMPLETED else None,
        )
        participants[name] = []
        for day, people in groups:
            group = await create_group(exams[name], date=day)
            for funding, result in people:
                kind = ParticipantKind.GRADUATE if funding else ParticipantKind.WORK_WORLD_APPLICANT
                participants[name].append(
                    await create_participant(
                        exams[name], group, funding_code=funding, result=result, kind=kind
                    )
                )

    await exam(
        "C1",
        school_a,
        body_x,
        [
            (
                date(2024, 2, 20),
                [(R, PASSED), (Z, FAILED), (M, PASSED), (R, ABSENT), (None, PASSED)],
            ),
            (date(2024, 3, 5), [(R, PASSED), (T, FAILED)]),
        ],
    )
    await exam(
        "C2", school_a, body_x, [(date(2024, 3, 10), [(M, PASSED), (T, PASSED), (R, ABSENT)])]
    )
    await exam("C3", school_a, body_x, [(date(2024, 3, 15), [(R, PASSED)])], curriculum_group=None)
    await exam(
        "C4", school_a, body_x, [(date(2024, 2, 1), [(R, PASSED)])], exam_type=ExamType.THEORY
    )
    await exam(
        "C5", school_a, body_x, [(date(2024, 3, 12), [(R, PASSED)])], status=ExamStatus.ASSESSED
    )
    await exam("C6", school_a, body_x, [(date(2024, 4, 2), [(R, PASSED)])])
    await exam("C7", school_b, body_y, [(date(2024, 3, 20), [(R, PASSED), (Z, PASSED)])])
    assessor = await create_user(Role.ASSESSOR, body_x)
    first_group = await exams["C1"].groups.all().first()
    await create_committee_member(first_group, assessor)
    viewers: dict[str, tuple[Any, Role] | None] = {
        "public": None,
        "admin": (await create_user(Role.REGISTRY_ADMIN, None), Role.REGISTRY_ADMIN),
        "school_a": (await create_user(Role.SCHOOL, school_a), Role.SCHOOL),
        "school_b": (await create_user(Role.SCHOOL, school_b), Role.SCHOOL),
        "body_x": (await create_user(Role.AWARDING_BODY, body_x), Role.AWARDING_BODY),
        "body_y": (await create_user(Role.AWARDING_BODY, body_y), Role.AWARDING_BODY),
        "assessor_x": (assessor, Role.ASSESSOR),
        "chair_x": (await create_user(Role.COMMISSION_CHAIR, body_x), Role.COMMISSION_CHAIR),
    }
    orgs = {"school_a": school_a, "school_b": school_b, "body_x": body_x, "body_y": body_y}
    return World(orgs, exams, rates, viewers, participants)
