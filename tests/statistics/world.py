"""Hand-counted exams for the statistics and report tests.

exam 1: school A, body X, COMPLETED, one group on 2024-03-05:
        R PASSED, Z PARTIALLY_PASSED, M FAILED, T ABSENT, work-world applicant PASSED;
        submitted 2024-01-01 10:00, accepted 2024-01-03 22:00 (2.5 days), completed
        2024-03-12 09:00 (7 days after the group date)
exam 2: school A, body Y, ASSESSED, 2024-04-10: R PASSED, R PASSED, M PASSED;
        submitted 2024-02-01 00:00, accepted 2024-02-02 00:00 (1 day)
exam 3: school B, body X, COMPLETED, 2024-05-20: R FAILED, R ABSENT;
        submitted 2024-03-01 00:00, accepted 2024-03-02 12:00 (1.5 days),
        completed 2024-05-31 08:00 (11 days)
exam 4: school A, body X, DRAFT, no group, graduation 2025-06-01: R without result
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from models.enums import (
    CommitteeRole,
    ExamStatus,
    FundingCode,
    ParticipantKind,
    ParticipantResult,
    Role,
)
from tests.factories import (
    create_awarding_body,
    create_committee_member,
    create_exam,
    create_group,
    create_participant,
    create_school,
    create_user,
)

R, Z, M, T = FundingCode.R, FundingCode.Z, FundingCode.M, FundingCode.T
PASSED, PARTIAL = ParticipantResult.PASSED, ParticipantResult.PARTIALLY_PASSED
FAILED, ABSENT = ParticipantResult.FAILED, ParticipantResult.ABSENT


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@dataclass
class World:
    orgs: dict[str, Any]
    exams: dict[int, Any]
    viewers: dict[str, tuple[Any, Role] | None]


async def _people(exam: Any, group: Any, who: list[tuple[FundingCode | None, Any]]) -> None:
    for funding, result in who:
        kind = ParticipantKind.GRADUATE if funding else ParticipantKind.WORK_WORLD_APPLICANT
        await create_participant(exam, group, funding_code=funding, result=result, kind=kind)


async def make_world() -> World:
    school_a = await create_school(name="Tartu Kutsehariduskeskus")
    school_b = await create_school(name="Pärnumaa Kutsehariduskeskus")
    body_x = await create_awarding_body(name="Eesti Keevitusühing")
    body_y = await create_awarding_body(name="BCS Koolitus")
    exams = {}
    exams[1] = await create_exam(
        school=school_a,
        awarding_body=body_x,
        status=ExamStatus.COMPLETED,
        submitted_at=at(2024, 1, 1, 10),
        accepted_at=at(2024, 1, 3, 22),
        completed_at=at(2024, 3, 12, 9),
    )
    g1 = await create_group(exams[1], date=date(2024, 3, 5))
    await _people(
        exams[1], g1, [(R, PASSED), (Z, PARTIAL), (M, FAILED), (T, ABSENT), (None, PASSED)]
    )
    exams[2] = await create_exam(
        school=school_a,
        awarding_body=body_y,
        status=ExamStatus.ASSESSED,
        submitted_at=at(2024, 2, 1),
        accepted_at=at(2024, 2, 2),
    )
    g2 = await create_group(exams[2], date=date(2024, 4, 10))
    await _people(exams[2], g2, [(R, PASSED), (R, PASSED), (M, PASSED)])
    exams[3] = await create_exam(
        school=school_b,
        awarding_body=body_x,
        status=ExamStatus.COMPLETED,
        submitted_at=at(2024, 3, 1),
        accepted_at=at(2024, 3, 2, 12),
        completed_at=at(2024, 5, 31, 8),
    )
    g3 = await create_group(exams[3], date=date(2024, 5, 20))
    await _people(exams[3], g3, [(R, FAILED), (R, ABSENT)])
    exams[4] = await create_exam(
        school=school_a,
        awarding_body=body_x,
        status=ExamStatus.DRAFT,
        graduation_date=date(2025, 6, 1),
    )
    await _people(exams[4], None, [(R, None)])
    assessor = await create_user(Role.ASSESSOR, body_x)
    await create_committee_member(g1, assessor, CommitteeRole.EMPLOYER)
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
    return World(orgs=orgs, exams=exams, viewers=viewers)
