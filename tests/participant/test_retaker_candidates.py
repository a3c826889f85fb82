"""`Exam.retakerCandidates` and `examRetakersAdd`: only the awarding body's own earlier exams.

Candidates are earlier participations (failed, absent or partial, same standard, within a
year) at the exam's own awarding body, listed for the roles that place retakers (the body, the
registry). Another body's participants are neither listed nor accepted.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.clock import today
from models.enums import ExamStatus, ParticipantKind, ParticipantResult
from models.exam import Exam
from models.participant import Participant
from schema.node import to_global_id
from tests.factories import (
    PermissionWorld,
    create_exam,
    create_participant,
    create_permission_world,
)

CANDIDATES = """
query ($id: ID!) { exam(id: $id) { retakerCandidates(first: 10) {
  totalCount edges { node { id } } } } }
"""
RETAKERS = """
mutation ($exam: ID!, $group: ID!, $participants: [ID!]!) {
  examRetakersAdd(exam: $exam, group: $group, participants: $participants) {
    participants { id } userErrors { code field }
  }
}"""

# viewer -> the candidates they see for exam_a (None: they do not see exam_a at all)
EXPECTED: dict[str, list[str] | None] = {
    "public": None,
    "school_a": [],
    "school_b": None,
    "body_a": ["failed_a"],
    "body_b": None,
    "assessor_a": [],
    "chair_a": [],
    "chair_b": None,
    "admin": ["failed_a"],
}


@pytest.fixture
async def world(api) -> tuple[PermissionWorld, dict[str, Participant]]:  # type: ignore[no-untyped-def]
    """Failed participants of exam_a's standard a hundred days ago, at each awarding body."""
    world = await create_permission_world()
    exam_a = world.exams["exam_a"]
    failed = {}
    for key, body, school in (
        ("failed_a", "body_a", "school_a"),
        ("failed_b", "body_b", "school_b"),
    ):
        earlier = await create_exam(
            school=world.organisations[school],
            awarding_body=world.organisations[body],
            standard=await exam_a.standard,
            status=ExamStatus.COMPLETED,
            graduation_date=today() - timedelta(days=100),
        )
        failed[key] = await create_participant(earlier, result=ParticipantResult.FAILED, score=40)
    return world, failed


@pytest.mark.parametrize("viewer", list(EXPECTED))
async def test_each_role_sees_only_its_own_bodys_candidates(api, world, viewer):
    world, failed = world
    keys = {to_global_id("Participant", p.id): key for key, p in failed.items()}

    result = await api.query(
        CANDIDATES,
        {"id": to_global_id("Exam", world.exams["exam_a"].id)},
        as_=world.viewers[viewer],
    )

    exam = result["data"]["exam"]
    if EXPECTED[viewer] is None:
        assert exam is None
        return
    seen = [keys[edge["node"]["id"]] for edge in exam["retakerCandidates"]["edges"]]
    assert seen == EXPECTED[viewer]
    assert exam["retakerCandidates"]["totalCount"] == len(seen)


async def test_another_bodys_participant_is_not_accepted_as_a_retaker(api, world):
    world, failed = world
    exam_a = world.exams["exam_a"]
    await Exam.filter(id=exam_a.id).update(status=ExamStatus.ACCEPTED)
    participants_before = await Participant.filter(exam_id=exam_a.id).count()

    result = await api.query(
        RETAKERS,
        {
            "exam": to_global_id("Exam", exam_a.id),
            "group": to_global_id("ExamGroup", world.groups["G1"].id),
            "participants": [
                to_global_id("Participant", failed["failed_a"].id),
                to_global_id("Participant", failed["failed_b"].id),
            ],
        },
        as_=world.viewers["body_a"],
    )

    payload = result["data"]["examRetakersAdd"]
    assert payload["userErrors"] == [{"code": "NOT_ELIGIBLE", "field": ["participants", "1"]}]
    assert not payload["participants"]
    assert await Participant.filter(exam_id=exam_a.id).count() == participants_before
    assert not await Participant.filter(exam_id=exam_a.id, kind=ParticipantKind.RETAKER).exists()
