"""`Exam.history` is scoped like the objects its events are about, for every role.

An assessor sees the exam-level events and those of their committee's group, its
participants and its assessment protocol; every other role that sees the exam sees all of
it; roles that do not see the exam see no history at all.
"""

from __future__ import annotations

from typing import Any

import pytest

from models.audit import AuditEvent
from models.clock import now
from models.enums import CommitteeRole, ExamStatus, Role
from models.exam import Exam
from models.participant import Participant
from schema.node import to_global_id
from tests.factories import (
    PermissionWorld,
    create_committee_member,
    create_group,
    create_participant,
    create_permission_world,
    create_protocol,
    create_user,
)

HISTORY = """
query ($id: ID!) { exam(id: $id) { history(first: 50) {
  totalCount edges { node { action entity after } } } } }
"""
DISTRIBUTE = """
mutation ($exam: ID!) {
  examParticipantsDistribute(exam: $exam) { placedCount userErrors { code } }
}
"""

ALL = ["exam", "G1", "G2", "p1", "p2", "unplaced", "protocol G1", "protocol G2", "commission"]
# viewer -> the events of exam_a they see (None: they do not see the exam at all)
EXPECTED: dict[str, list[str] | None] = {
    "public": None,
    "school_a": ALL,
    "school_b": None,
    "body_a": ALL,
    "body_b": None,
    "assessor_a": ["exam", "G1", "p1", "protocol G1"],
    "assessor_g2": ["exam", "G2", "p2", "protocol G2"],
    "chair_a": ALL,
    "chair_b": None,
    "admin": ALL,
}


@pytest.fixture
async def world(api) -> PermissionWorld:  # type: ignore[no-untyped-def]
    """exam_a with one audit event about each thing it holds, marked by ``after.about``."""
    world = await create_permission_world()
    exam = world.exams["exam_a"]
    g1, g2 = world.groups["G1"], world.groups["G2"]
    assessor_g2 = await create_user(Role.ASSESSOR, world.organisations["body_a"])
    await create_committee_member(g2, assessor_g2, CommitteeRole.CHAIR)
    world.viewers["assessor_g2"] = (assessor_g2, Role.ASSESSOR)
    unplaced = await create_participant(exam, None)
    about: dict[str, tuple[str, int | None]] = {
        "exam": ("exam", exam.id),
        "G1": ("group", g1.id),
        "G2": ("group", g2.id),
        "p1": ("participant", world.participants["p1"].id),
        "p2": ("participant", world.participants["p2"].id),
        "unplaced": ("participant", unplaced.id),
        "protocol G1": ("protocol", (await create_protocol(exam, g1)).id),
        "protocol G2": ("protocol", (await create_protocol(exam, g2)).id),
        "commission": ("protocol", (await create_protocol(exam)).id),
    }
    for mark, (entity, entity_id) in about.items():
        await AuditEvent.create(
            exam=exam,
            action=f"{entity}.change",
            entity=entity,
            entity_id=entity_id,
            after={"about": mark, "person": 1234},
        )
    return world


async def history(api, world: PermissionWorld, viewer: str, exam: str = "exam_a") -> Any:  # type: ignore[no-untyped-def]
    exam_id = to_global_id("Exam", world.exams[exam].id)
    result = await api.query(HISTORY, {"id": exam_id}, as_=world.viewers[viewer])
    return result["data"]["exam"]


@pytest.mark.parametrize("viewer", list(EXPECTED))
async def test_each_role_sees_the_history_of_what_it_sees(api, world, viewer):
    exam = await history(api, world, viewer)

    if EXPECTED[viewer] is None:
        assert exam is None
        return
    seen = [edge["node"]["after"]["about"] for edge in exam["history"]["edges"]]
    assert sorted(seen) == sorted(EXPECTED[viewer])
    assert exam["history"]["totalCount"] == len(seen)


async def test_distributing_writes_one_event_per_group_seen_by_that_groups_assessor(api, world):
    # given: school A's draft with two one-place groups, one per assessor, and two participants
    draft = world.exams["draft_a"]
    g3, g4 = (
        await create_group(draft, name="G3", limit=1),
        await create_group(draft, name="G4", limit=1),
    )
    await create_committee_member(g3, world.viewers["assessor_a"][0], CommitteeRole.CHAIR)
    await create_committee_member(g4, world.viewers["assessor_g2"][0], CommitteeRole.CHAIR)
    await create_participant(draft, None)

    # when: the school distributes them, then the exam is sent to the awarding body
    placed = await api.query(
        DISTRIBUTE, {"exam": to_global_id("Exam", draft.id)}, as_=world.viewers["school_a"]
    )
    assert placed["data"]["examParticipantsDistribute"] == {"placedCount": 2, "userErrors": []}
    await Exam.filter(id=draft.id).update(status=ExamStatus.SUBMITTED, submitted_at=now())

    # then: one event per group, and each assessor sees their own group's only
    school = await history(api, world, "school_a", "draft_a")
    events = [e["node"] for e in school["history"]["edges"]]
    assert [e["entity"] for e in events] == ["group", "group"]
    for viewer, group in (("assessor_a", g3), ("assessor_g2", g4)):
        mine = await history(api, world, viewer, "draft_a")
        members = await Participant.filter(group_id=group.id).values_list("id", flat=True)
        assert [e["node"]["after"] for e in mine["history"]["edges"]] == [{"placed": members}]
