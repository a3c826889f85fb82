"""Assessment committees and results (seeds 003 and 004)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from models.access import Viewer
from models.clock import today
from models.enums import CommitteeRole, ParticipantResult, Role
from models.events import transaction
from models.exam import ScoringScheme
from models.group import CommitteeMember, ExamGroup
from models.organisation import Organisation
from models.participant import Participant
from models.person import RoleAssignment
from models.workflow.common import (
    audit,
    bump,
    discard_unsigned_protocol,
    exam_for_update,
    group_for_update,
)
from models.workflow.errors import DomainError, fail, problem
from models.workflow.policy import check

# Seed 003: written part 20 + 20, oral part 40 + 20, passed at 70 of 100.
DEFAULT_SCHEME = {
    "parts": [
        {"code": "calculation", "name": "Arvutusülesanne", "max": 20},
        {"code": "test", "name": "Test", "max": 20},
        {"code": "technology", "name": "Tehnoloogiaküsimus", "max": 40},
        {"code": "occupation", "name": "Kutsealane küsimus", "max": 20},
    ],
    "pass_mark": 70,
    "partial_pass_mark": None,
}


@dataclass(frozen=True)
class Member:
    person_id: int
    role: CommitteeRole


async def set_committee(
    viewer: Viewer, group_id: int, version: int, members: Sequence[Member]
) -> ExamGroup:
    """The awarding body names the group's assessment committee: one chair and at least as
    many others as the body requires (seed 004: three in all), all its assessors."""
    existing = await ExamGroup.get_or_none(id=group_id)
    if existing is None:
        raise fail("NOT_FOUND", ["group"])
    async with transaction() as connection:
        exam = await exam_for_update(viewer, existing.exam_id, connection)
        check("group.committee_set", viewer, exam)
        group = await group_for_update(exam, group_id, connection)
        body = await Organisation.get(id=exam.awarding_body_id, using_db=connection)
        chairs = [m for m in members if m.role is CommitteeRole.CHAIR]
        others = len(members) - len(chairs)
        if len(chairs) != 1 or others < body.committee_min_members:
            raise fail("COMMITTEE_INCOMPLETE", ["members"], others=body.committee_min_members)
        if len({m.person_id for m in members}) != len(members):
            raise fail(
                "INVALID_INPUT",
                ["members"],
                detail="Sama inimene kahel kohal. / The same person twice.",
            )
        assessors = set(
            await RoleAssignment.filter(
                person_id__in=[m.person_id for m in members],
                role__in=(Role.ASSESSOR, Role.COMMISSION_CHAIR),
                organisation_id=exam.awarding_body_id,
            )
            .using_db(connection)
            .values_list("person_id", flat=True)
        )
        problems = [
            problem(
                "INVALID_INPUT",
                ["members", str(i)],
                detail="pole selle kutse andja hindaja / not an assessor of this body",
            )
            for i, m in enumerate(members)
            if m.person_id not in assessors
        ]
        if problems:
            raise DomainError(problems)
        before = (
            await CommitteeMember.filter(group_id=group.id)
            .using_db(connection)
            .values("person_id", "role")
        )
        await bump(ExamGroup, group.id, version, connection)
        await CommitteeMember.filter(group_id=group.id).using_db(connection).delete()
        for m in members:
            await CommitteeMember.create(
                using_db=connection, group_id=group.id, person_id=m.person_id, role=m.role
            )
        await audit(
            connection,
            viewer,
            action="group.committee_set",
            exam_id=exam.id,
            entity="group",
            entity_id=group.id,
            before={"members": [(b["person_id"], b["role"]) for b in before]},
            after={"members": [(m.person_id, m.role) for m in members]},
        )
    return await ExamGroup.get(id=group_id)


async def scoring_scheme_for(exam_scheme_id: int | None, body_id: int) -> Mapping[str, Any]:
    scheme = None
    if exam_scheme_id is not None:
        scheme = await ScoringScheme.get_or_none(id=exam_scheme_id)
    if scheme is None:
        scheme = await ScoringScheme.filter(awarding_body_id=body_id).order_by("id").first()
    if scheme is None:
        return DEFAULT_SCHEME
    return {
        "parts": scheme.parts,
        "pass_mark": scheme.pass_mark,
        "partial_pass_mark": scheme.partial_pass_mark,
    }


def grade(scheme: Mapping[str, Any], scores: Mapping[str, int]) -> tuple[int, ParticipantResult]:
    """The total and the result by the scheme; every part scored within its maximum."""
    parts = {part["code"]: part for part in scheme["parts"]}
    problems = [
        problem("INVALID_INPUT", ["scores", code], detail=f"tundmatu osa / unknown part {code}")
        for code in scores
        if code not in parts
    ] + [
        problem(
            "INVALID_INPUT",
            ["scores", code],
            detail=f"{part['name']}: 0–{part['max']} punkti / points",
        )
        for code, part in parts.items()
        if not isinstance(scores.get(code), int) or not 0 <= scores[code] <= part["max"]
    ]
    if problems:
        raise DomainError(problems)
    total = sum(scores[code] for code in parts)
    if total >= scheme["pass_mark"]:
        return total, ParticipantResult.PASSED
    partial = scheme.get("partial_pass_mark")
    if partial is not None and total >= partial:
        return total, ParticipantResult.PARTIALLY_PASSED
    return total, ParticipantResult.FAILED


async def record_result(
    viewer: Viewer,
    participant_id: int,
    version: int,
    *,
    scores: Mapping[str, int] | None,
    absent: bool = False,
    absence_reason: str | None = None,
) -> Participant:
    """Scores by the exam's scheme give the result; an absent participant has no scores
    (a no-show without a valid reason counts as failed, seed 004: the commission decides)."""
    participant = await Participant.get_or_none(id=participant_id)
    if participant is None:
        raise fail("NOT_FOUND", ["participant"])
    async with transaction() as connection:
        exam = await exam_for_update(viewer, participant.exam_id, connection)
        check("participant.result", viewer, exam)
        group = (
            await ExamGroup.get_or_none(id=participant.group_id, using_db=connection)
            if participant.group_id
            else None
        )
        if group is None:
            raise fail("INVALID_STATE", ["participant"], status="no group / grupita")
        if viewer.role is Role.ASSESSOR and not await CommitteeMember.exists(
            group_id=group.id, person_id=viewer.person_id
        ):
            raise fail("FORBIDDEN")
        if group.date is None or group.date > today():
            raise fail("INVALID_STATE", ["participant"], status="not held yet / toimumata")
        await discard_unsigned_protocol(group.id, connection)
        if absent:
            if scores:
                raise fail(
                    "INVALID_INPUT",
                    ["scores"],
                    detail="Puudujal pole punkte. / An absent participant has no scores.",
                )
            total, result, kept = None, ParticipantResult.ABSENT, None
        else:
            if scores is None:
                raise fail("INVALID_INPUT", ["scores"], detail="Punktid puuduvad. / No scores.")
            total, result = grade(
                await scoring_scheme_for(exam.scoring_scheme_id, exam.awarding_body_id), scores
            )
            kept = dict(scores)
        updated = (
            await Participant.filter(id=participant.id, version=version)
            .using_db(connection)
            .update(
                version=version + 1,
                score=total,
                result=result,
                scores=kept,
                absence_reason=absence_reason if absent else None,
            )
        )
        if updated != 1:
            raise fail("STALE_VERSION", ["version"])
        await audit(
            connection,
            viewer,
            action="participant.result",
            exam_id=exam.id,
            entity="participant",
            entity_id=participant.id,
            before={"result": participant.result, "score": participant.score},
            after={"result": result, "score": total},
        )
    return await Participant.get(id=participant.id)
