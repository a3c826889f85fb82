"""The exam workflow through the GraphQL API: the lifecycle, every illegal move with its code,
the submission checks, and that a refused change leaves everything as it was."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest

from models.clock import today
from models.enums import ExamStatus, Role
from models.exam import Exam
from models.group import ExamGroup
from models.participant import Participant
from models.standard import StandardAwardingBody
from schema.node import from_global_id, to_global_id
from tests.exam.conftest import School
from tests.factories import (
    create_curriculum,
    create_exam,
    create_group,
    create_school,
    create_standard,
    create_student,
    create_user,
)

CREATE = """
mutation ($input: ExamCreateInput!) {
  examCreate(input: $input) { exam { id status version } userErrors { field message code } }
}"""
GROUP_CREATE = """
mutation ($exam: ID!, $input: GroupCreateInput!) {
  groupCreate(exam: $exam, input: $input) { group { id version name } userErrors { code } }
}"""
GROUP_UPDATE = """
mutation ($id: ID!, $version: Int!, $input: GroupUpdateInput!) {
  groupUpdate(id: $id, version: $version, input: $input) {
    group { version date time place } userErrors { code field }
  }
}"""
ADD = """
mutation ($exam: ID!, $students: [ID!]!, $group: ID) {
  examParticipantsAdd(exam: $exam, students: $students, group: $group) {
    participants { id } userErrors { code field message }
  }
}"""
REMOVE = """
mutation ($id: ID!) { examParticipantRemove(id: $id) { removedParticipantId userErrors { code } } }
"""
UPDATE = """
mutation ($id: ID!, $version: Int!, $input: ExamUpdateInput!) {
  examUpdate(id: $id, version: $version, input: $input) {
    exam { version comment } userErrors { code }
  }
}"""
SUBMIT = """
mutation ($id: ID!, $version: Int!) {
  examSubmit(id: $id, version: $version) {
    exam { status version } userErrors { code field message } warnings { code }
  }
}"""
RETURN = """
mutation ($id: ID!, $version: Int!, $reason: String!) {
  examReturn(id: $id, version: $version, reason: $reason) {
    exam { status version returnReason } userErrors { code }
  }
}"""
ACCEPT = """
mutation ($id: ID!, $version: Int!) {
  examAccept(id: $id, version: $version) { exam { status version } userErrors { code } }
}"""
CANCEL = """
mutation ($id: ID!, $version: Int!, $reason: String!) {
  examCancel(id: $id, version: $version, reason: $reason) { exam { status } userErrors { code } }
}"""
DELETE = """
mutation ($id: ID!, $version: Int!) {
  examDelete(id: $id, version: $version) { deletedExamId userErrors { code } }
}"""
COMMITTEE = """
mutation ($id: ID!, $version: Int!, $members: [CommitteeMemberInput!]!) {
  groupCommitteeSet(id: $id, version: $version, members: $members) { userErrors { code } }
}"""
PARTICIPANTS = """
query ($id: ID!) { exam(id: $id) { participants(first: 50) { edges { node {
  id version result score } } } } }
"""
RESULT = """
mutation ($id: ID!, $version: Int!, $scores: [PartScoreInput!], $absent: Boolean! = false) {
  participantResultRecord(id: $id, version: $version, scores: $scores, absent: $absent) {
    participant { result score } userErrors { code field }
  }
}"""
HISTORY = """
query ($id: ID!) { exam(id: $id) { history(first: 50) { edges { node {
  action actorRole actor { lastName } before after } } } } }
"""


def points(calculation: int, test: int, technology: int, occupation: int) -> list[dict]:
    parts = ("calculation", "test", "technology", "occupation")
    values = (calculation, test, technology, occupation)
    return [{"part": p, "points": v} for p, v in zip(parts, values, strict=True)]


def next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7 or 7)


def exam_day() -> date:
    """A Wednesday more than a month ahead (no short notice) that is no public holiday."""
    from models.workflow.checks import day_problem

    day = next_weekday(today() + timedelta(days=45), 2)
    while day_problem(day):
        day += timedelta(days=7)
    return day


def sid(student: Any) -> str:
    return to_global_id("Student", student.id)


async def _create(api, w: School, **overrides: Any) -> dict:  # type: ignore[no-untyped-def]
    values = {
        "curriculum": to_global_id("Curriculum", w.curriculum.id),
        "standard": to_global_id("Standard", w.standard.id),
        "graduationDate": (today() + timedelta(days=90)).isoformat(),
        "finalCourse": 3,
        "responsible": to_global_id("Person", w.user.id),
        **overrides,
    }
    result = await api.query(CREATE, {"input": values}, as_=w.as_school())
    return result["data"]["examCreate"]


async def _ready_exam(api, w: School, students: int = 3, limit: int = 5) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    exam = (await _create(api, w))["exam"]
    group = await api.query(
        GROUP_CREATE,
        {
            "exam": exam["id"],
            "input": {
                "name": "Keevitaja, tase 4 (G1)",
                "limit": limit,
                "date": exam_day().isoformat(),
                "time": "09:00:00",
                "place": "garaaž",
                "room": "A220",
            },
        },
        as_=w.as_school(),
    )
    group_id = group["data"]["groupCreate"]["group"]["id"]
    added = await api.query(
        ADD,
        {
            "exam": exam["id"],
            "students": [sid(s) for s in w.students[:students]],
            "group": group_id,
        },
        as_=w.as_school(),
    )
    assert added["data"]["examParticipantsAdd"]["userErrors"] == []
    return exam["id"], group_id


async def _exam(exam_id: str) -> Exam:
    decoded = from_global_id(exam_id)
    assert decoded is not None
    return await Exam.get(id=decoded[1])


async def _version(exam_id: str) -> int:
    return (await _exam(exam_id)).version


async def test_the_whole_lifecycle_from_draft_to_accepted(api, world):
    w = world
    exam_id, group_id = await _ready_exam(api, w)

    submitted = await api.query(
        SUBMIT, {"id": exam_id, "version": await _version(exam_id)}, as_=w.as_school()
    )
    assert submitted["data"]["examSubmit"]["userErrors"] == []
    assert submitted["data"]["examSubmit"]["exam"]["status"] == "SUBMITTED"

    returned = await api.query(
        RETURN,
        {"id": exam_id, "version": await _version(exam_id), "reason": "Lisa HEV kommentaar"},
        as_=w.as_body(),
    )
    assert returned["data"]["examReturn"]["exam"] == {
        "status": "RETURNED",
        "version": 3,
        "returnReason": "Lisa HEV kommentaar",
    }

    updated = await api.query(
        UPDATE, {"id": exam_id, "version": 3, "input": {"comment": "Parandatud"}}, as_=w.as_school()
    )
    assert updated["data"]["examUpdate"]["exam"] == {"version": 4, "comment": "Parandatud"}
    resubmitted = await api.query(SUBMIT, {"id": exam_id, "version": 4}, as_=w.as_school())
    assert resubmitted["data"]["examSubmit"]["exam"]["status"] == "SUBMITTED"

    accepted = await api.query(ACCEPT, {"id": exam_id, "version": 5}, as_=w.as_body())
    assert accepted["data"]["examAccept"]["exam"] == {"status": "ACCEPTED", "version": 6}

    scheduled = await api.query(
        GROUP_UPDATE,
        {"id": group_id, "version": 1, "input": {"place": "Tööstuse 17", "room": "B1"}},
        as_=w.as_body(),
    )
    assert scheduled["data"]["groupUpdate"]["group"]["place"] == "Tööstuse 17"

    # The awarding body names the committee; after the exam day an assessor records results.
    assessors = [await create_user(Role.ASSESSOR, w.body) for _ in range(3)]
    roles = ["CHAIR", "EMPLOYER", "TEACHER"]
    members = [
        {"person": to_global_id("Person", a.id), "role": r}
        for a, r in zip(assessors, roles, strict=True)
    ]
    committee = await api.query(
        COMMITTEE, {"id": group_id, "version": 2, "members": members}, as_=w.as_body()
    )
    assert committee["data"]["groupCommitteeSet"]["userErrors"] == []
    decoded = from_global_id(group_id)
    assert decoded is not None
    await ExamGroup.filter(id=decoded[1]).update(date=today() - timedelta(days=1))  # time passes
    assessor = (assessors[0], Role.ASSESSOR)
    listed = await api.query(PARTICIPANTS, {"id": exam_id}, as_=assessor)
    nodes = [e["node"] for e in listed["data"]["exam"]["participants"]["edges"]]
    outcomes = []
    for node, variables in zip(
        nodes,
        [{"scores": points(20, 20, 40, 20)}, {"scores": points(10, 10, 20, 10)}, {"absent": True}],
        strict=True,
    ):
        recorded = await api.query(
            RESULT, {"id": node["id"], "version": node["version"], **variables}, as_=assessor
        )
        outcomes.append(recorded["data"]["participantResultRecord"]["participant"])
    assert outcomes == [
        {"result": "PASSED", "score": 100},
        {"result": "FAILED", "score": 50},
        {"result": "ABSENT", "score": None},
    ]

    history = await api.query(HISTORY, {"id": exam_id}, as_=w.as_school())
    actions = [e["node"]["action"] for e in history["data"]["exam"]["history"]["edges"]]
    assert actions == [
        "participant.result",
        "participant.result",
        "participant.result",
        "group.committee_set",
        "group.update",
        "exam.accept",
        "exam.submit",
        "exam.update",
        "exam.return",
        "exam.submit",
        "exam.participants_add",
        "group.create",
        "exam.create",
    ]
    returned_event = history["data"]["exam"]["history"]["edges"][8]["node"]
    assert returned_event["actorRole"] == "AWARDING_BODY"
    assert returned_event["before"]["status"] == "SUBMITTED"
    assert returned_event["after"] == {"status": "RETURNED", "return_reason": "Lisa HEV kommentaar"}


async def test_each_illegal_move_is_refused_with_its_code_and_changes_nothing(api, world):
    w = world
    exam_id, _ = await _ready_exam(api, w)
    version = await _version(exam_id)

    async def code(query: str, variables: dict, who: tuple) -> str:  # type: ignore[type-arg]
        result = await api.query(query, variables, as_=who)
        payload = next(iter(result["data"].values()))
        return payload["userErrors"][0]["code"]

    # The awarding body does not see a draft at all; the school may not accept.
    assert await code(ACCEPT, {"id": exam_id, "version": version}, w.as_body()) == "NOT_FOUND"
    assert await code(ACCEPT, {"id": exam_id, "version": version}, w.as_school()) == "FORBIDDEN"
    assert (
        await code(RETURN, {"id": exam_id, "version": version, "reason": "x"}, w.as_school())
        == "FORBIDDEN"
    )
    assert (
        await code(SUBMIT, {"id": exam_id, "version": version - 1}, w.as_school())
        == "STALE_VERSION"
    )
    await api.query(SUBMIT, {"id": exam_id, "version": version}, as_=w.as_school())
    version += 1
    assert await code(SUBMIT, {"id": exam_id, "version": version}, w.as_school()) == "INVALID_STATE"
    assert (
        await code(
            UPDATE, {"id": exam_id, "version": version, "input": {"comment": "x"}}, w.as_school()
        )
        == "INVALID_STATE"
    )
    assert (
        await code(RETURN, {"id": exam_id, "version": version, "reason": "  "}, w.as_body())
        == "REASON_REQUIRED"
    )
    assert await code(DELETE, {"id": exam_id, "version": version}, w.as_school()) == "INVALID_STATE"
    other_school = await create_user(Role.SCHOOL, await create_school())
    assert (
        await code(
            CANCEL, {"id": exam_id, "version": version, "reason": "x"}, (other_school, Role.SCHOOL)
        )
        == "NOT_FOUND"
    )

    exam = await _exam(exam_id)
    assert (exam.status, exam.version) == (ExamStatus.SUBMITTED, version)
    assert await Participant.filter(exam_id=exam.id).count() == 3


async def test_submission_checks_report_every_problem_at_once(api, world):
    w = world
    exam = (await _create(api, w))["exam"]

    empty = await api.query(SUBMIT, {"id": exam["id"], "version": 1}, as_=w.as_school())
    assert [e["code"] for e in empty["data"]["examSubmit"]["userErrors"]] == ["NO_PARTICIPANTS"]

    sunday = next_weekday(today() + timedelta(days=14), 6)
    group = await api.query(
        GROUP_CREATE,
        {"exam": exam["id"], "input": {"name": "G1", "limit": 2, "date": sunday.isoformat()}},
        as_=w.as_school(),
    )
    group_id = group["data"]["groupCreate"]["group"]["id"]
    w.students[0].special_needs = True
    await w.students[0].save()
    await api.query(
        ADD,
        {"exam": exam["id"], "students": [sid(w.students[0])], "group": group_id},
        as_=w.as_school(),
    )
    await api.query(ADD, {"exam": exam["id"], "students": [sid(w.students[1])]}, as_=w.as_school())

    result = await api.query(SUBMIT, {"id": exam["id"], "version": 1}, as_=w.as_school())

    codes = sorted(e["code"] for e in result["data"]["examSubmit"]["userErrors"])
    assert codes == ["COMMENT_REQUIRED", "NOT_IN_GROUP", "SCHEDULE_CONFLICT"]
    assert result["data"]["examSubmit"]["exam"] is None
    assert (await _exam(exam["id"])).status is ExamStatus.DRAFT


async def test_a_full_group_warns_but_does_not_stop_submission(api, world):
    w = world
    exam_id, _ = await _ready_exam(api, w, students=3, limit=3)

    result = await api.query(
        SUBMIT, {"id": exam_id, "version": await _version(exam_id)}, as_=w.as_school()
    )

    assert result["data"]["examSubmit"]["exam"]["status"] == "SUBMITTED"
    assert result["data"]["examSubmit"]["warnings"] == [{"code": "GROUP_HAS_NO_FREE_PLACES"}]


async def test_a_second_entry_at_the_same_time_and_place_is_a_duplicate(api, world):
    w = world
    first_id, _ = await _ready_exam(api, w, students=2)
    await api.query(
        SUBMIT, {"id": first_id, "version": await _version(first_id)}, as_=w.as_school()
    )
    second = (await _create(api, w))["exam"]
    group = await api.query(
        GROUP_CREATE,
        {
            "exam": second["id"],
            "input": {
                "name": "G2",
                "limit": 5,
                "date": exam_day().isoformat(),
                "time": "09:00:00",
                "place": "garaaž",
            },
        },
        as_=w.as_school(),
    )
    await api.query(
        ADD,
        {
            "exam": second["id"],
            "students": [sid(w.students[5])],
            "group": group["data"]["groupCreate"]["group"]["id"],
        },
        as_=w.as_school(),
    )

    result = await api.query(SUBMIT, {"id": second["id"], "version": 1}, as_=w.as_school())

    assert [e["code"] for e in result["data"]["examSubmit"]["userErrors"]] == ["DUPLICATE_EXAM"]


async def test_adding_respects_eligibility_and_the_group_limit(api, world):
    w = world
    exam = (await _create(api, w))["exam"]
    group = await api.query(
        GROUP_CREATE, {"exam": exam["id"], "input": {"name": "G", "limit": 2}}, as_=w.as_school()
    )
    group_id = group["data"]["groupCreate"]["group"]["id"]
    outsider = await create_student(await create_curriculum(w.school, w.standard), course=3)

    too_many = await api.query(
        ADD,
        {"exam": exam["id"], "students": [sid(s) for s in w.students[:3]], "group": group_id},
        as_=w.as_school(),
    )
    not_eligible = await api.query(
        ADD,
        {"exam": exam["id"], "students": [sid(w.students[0]), sid(outsider)]},
        as_=w.as_school(),
    )

    assert [e["code"] for e in too_many["data"]["examParticipantsAdd"]["userErrors"]] == [
        "GROUP_FULL"
    ]
    errors = not_eligible["data"]["examParticipantsAdd"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_ELIGIBLE", ["students", "1"])]
    assert await Participant.all().count() == 0


async def test_a_removed_student_can_be_added_again(api, world):
    w = world
    exam = (await _create(api, w))["exam"]
    added = await api.query(
        ADD, {"exam": exam["id"], "students": [sid(w.students[0])]}, as_=w.as_school()
    )
    participant_id = added["data"]["examParticipantsAdd"]["participants"][0]["id"]

    removed = await api.query(REMOVE, {"id": participant_id}, as_=w.as_school())
    again = await api.query(
        ADD, {"exam": exam["id"], "students": [sid(w.students[0])]}, as_=w.as_school()
    )

    assert removed["data"]["examParticipantRemove"]["removedParticipantId"] == participant_id
    assert again["data"]["examParticipantsAdd"]["userErrors"] == []
    assert await Participant.all().count() == 1


async def test_a_student_in_another_open_exam_is_not_eligible(api, world):
    w = world
    first = (await _create(api, w))["exam"]
    second = (await _create(api, w))["exam"]
    await api.query(ADD, {"exam": first["id"], "students": [sid(w.students[0])]}, as_=w.as_school())

    result = await api.query(
        ADD, {"exam": second["id"], "students": [sid(w.students[0])]}, as_=w.as_school()
    )

    assert result["data"]["examParticipantsAdd"]["userErrors"][0]["code"] == "NOT_ELIGIBLE"


async def test_an_exam_needs_a_linked_standard_and_eligible_students(api, world):
    w = world
    unlinked = await create_standard()
    empty_curriculum = await create_curriculum(w.school, w.standard)

    not_linked = await _create(api, w, standard=to_global_id("Standard", unlinked.id))
    no_students = await _create(api, w, curriculum=to_global_id("Curriculum", empty_curriculum.id))

    assert not_linked["userErrors"][0]["code"] == "NOT_LINKED"
    assert no_students["userErrors"][0]["code"] == "NOT_ELIGIBLE"
    assert await Exam.all().count() == 0


async def test_a_draft_can_be_deleted_and_its_deletion_is_recorded(api, world):
    from models.audit import AuditEvent

    w = world
    exam = (await _create(api, w))["exam"]

    deleted = await api.query(DELETE, {"id": exam["id"], "version": 1}, as_=w.as_school())

    assert deleted["data"]["examDelete"] == {"deletedExamId": exam["id"], "userErrors": []}
    assert await Exam.all().count() == 0
    assert await AuditEvent.filter(action="exam.delete", actor_id=w.user.id).count() == 1


@pytest.mark.postgres_only
async def test_twenty_concurrent_adds_into_five_free_places(api, world):
    w = world
    students = w.students + [await create_student(w.curriculum, course=3) for _ in range(12)]
    exam = await create_exam(
        school=w.school,
        awarding_body=w.body,
        standard=w.standard,
        curriculum=w.curriculum,
        status=ExamStatus.DRAFT,
        responsible=w.user,
    )
    group = await create_group(exam, limit=5)
    token = await api.token_for(w.user, Role.SCHOOL)

    results = await asyncio.gather(
        *(
            api.query(
                ADD,
                {
                    "exam": to_global_id("Exam", exam.id),
                    "students": [sid(student)],
                    "group": to_global_id("ExamGroup", group.id),
                },
                token=token,
            )
            for student in students[:20]
        )
    )

    outcomes = [r["data"]["examParticipantsAdd"]["userErrors"] for r in results]
    assert sum(1 for errors in outcomes if not errors) == 5
    assert sorted({e[0]["code"] for e in outcomes if e}) == ["GROUP_FULL"]
    assert await Participant.filter(group_id=group.id).count() == 5


@pytest.mark.postgres_only
async def test_two_concurrent_submits_one_succeeds(api, world):
    w = world
    exam_id, _ = await _ready_exam(api, w)
    token = await api.token_for(w.user, Role.SCHOOL)
    version = await _version(exam_id)

    results = await asyncio.gather(
        *(api.query(SUBMIT, {"id": exam_id, "version": version}, token=token) for _ in range(2))
    )

    payloads = [r["data"]["examSubmit"] for r in results]
    assert sorted(bool(p["userErrors"]) for p in payloads) == [False, True]
    assert [e["code"] for p in payloads for e in p["userErrors"]] in (
        ["STALE_VERSION"],
        ["INVALID_STATE"],
    )
    assert await _version(exam_id) == version + 1


NOTIFICATIONS = "{ notifications(first: 10) { edges { node { kind subject body link } } } }"


async def test_submitting_and_returning_notify_in_the_same_transaction(api, world):
    from models.notification import Notification, OutboxMessage

    w = world
    w.user.email = "laura@kool.example"
    await w.user.save()
    w.body_user.email = "marek@kutseandja.example"
    await w.body_user.save()
    exam_id, _ = await _ready_exam(api, w)
    empty = (await _create(api, w))["exam"]

    refused = await api.query(SUBMIT, {"id": empty["id"], "version": 1}, as_=w.as_school())
    assert refused["data"]["examSubmit"]["userErrors"] != []
    assert await Notification.all().count() == 0  # nothing raised by a refused change

    await api.query(SUBMIT, {"id": exam_id, "version": await _version(exam_id)}, as_=w.as_school())
    to_body = await api.query(NOTIFICATIONS, as_=w.as_body())
    [submitted] = [e["node"] for e in to_body["data"]["notifications"]["edges"]]
    assert submitted["kind"] == "exam.submitted"
    assert exam_id in submitted["link"]

    await api.query(
        RETURN,
        {
            "id": exam_id,
            "version": await _version(exam_id),
            "reason": "Õppurite nimekiri on puudulik",
        },
        as_=w.as_body(),
    )
    to_school = await api.query(NOTIFICATIONS, as_=w.as_school())
    [returned] = [e["node"] for e in to_school["data"]["notifications"]["edges"]]
    assert returned["kind"] == "exam.returned"
    assert "Õppurite nimekiri on puudulik" in returned["body"]
    assert await OutboxMessage.all().count() == 2  # one e-mail to each recipient


async def test_an_expired_standard_only_for_those_who_studied_under_it(api, world):
    w = world
    expired = await create_standard(
        valid_from=today() - timedelta(days=2000),
        valid_until=today() - timedelta(days=30),
        awarding_allowed_until=today() + timedelta(days=200),
    )
    await StandardAwardingBody.create(standard=expired, awarding_body=w.body)
    curriculum = await create_curriculum(w.school, expired)
    await create_student(curriculum, course=3)  # studied under a newer standard

    nobody = await _create(
        api,
        w,
        standard=to_global_id("Standard", expired.id),
        curriculum=to_global_id("Curriculum", curriculum.id),
    )
    await create_student(curriculum, course=3, standard=expired)
    created = await _create(
        api,
        w,
        standard=to_global_id("Standard", expired.id),
        curriculum=to_global_id("Curriculum", curriculum.id),
    )

    assert nobody["userErrors"][0]["code"] == "NOT_ELIGIBLE"
    assert created["userErrors"] == []
    assert created["exam"]["status"] == "DRAFT"
