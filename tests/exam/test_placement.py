"""Placing participants, the awarding body's additions, committees and results."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.clock import today
from models.enums import CommitteeRole, ExamStatus, ParticipantKind, ParticipantResult, Role
from models.group import CommitteeMember
from models.participant import Participant
from models.person import Person
from schema.node import to_global_id
from tests.factories import (
    create_awarding_body,
    create_committee_member,
    create_exam,
    create_group,
    create_participant,
    create_person,
    create_school,
    create_user,
)

DISTRIBUTE = """
mutation ($exam: ID!) {
  examParticipantsDistribute(exam: $exam) { placedCount userErrors { code } }
}
"""
MOVE = """
mutation ($id: ID!, $group: ID) {
  participantMove(id: $id, group: $group) { participant { group { name } } userErrors { code } }
}"""
WORK_WORLD = """
mutation ($exam: ID!, $group: ID!, $code: String!, $first: String!, $last: String!) {
  examWorkWorldApplicantAdd(exam: $exam, group: $group, personalCode: $code,
                            firstName: $first, lastName: $last) {
    participant { kind fundingCode stateFunded person { personalCode lastName } }
    userErrors { code field message }
  }
}"""
RETAKERS = """
mutation ($exam: ID!, $group: ID!, $participants: [ID!]!) {
  examRetakersAdd(exam: $exam, group: $group, participants: $participants) {
    participants { kind person { lastName } } userErrors { code field }
  }
}"""
COMMITTEE = """
mutation ($id: ID!, $version: Int!, $members: [CommitteeMemberInput!]!) {
  groupCommitteeSet(id: $id, version: $version, members: $members) {
    group { version committee { role person { lastName } } } userErrors { code field }
  }
}"""
RESULT = """
mutation ($id: ID!, $version: Int!, $scores: [PartScoreInput!], $absent: Boolean! = false) {
  participantResultRecord(id: $id, version: $version, scores: $scores, absent: $absent) {
    participant { result score version } userErrors { code field }
  }
}"""


def gid(type_name: str, row) -> str:  # type: ignore[no-untyped-def]
    return to_global_id(type_name, row.id)


def scores(calculation: int, test: int, technology: int, occupation: int) -> list[dict]:
    return [
        {"part": "calculation", "points": calculation},
        {"part": "test", "points": test},
        {"part": "technology", "points": technology},
        {"part": "occupation", "points": occupation},
    ]


@pytest.fixture
async def accepted(api):  # type: ignore[no-untyped-def]
    school, body = await create_school(), await create_awarding_body(committee_min_members=2)
    exam = await create_exam(school=school, awarding_body=body, status=ExamStatus.ACCEPTED)
    held = await create_group(exam, name="G1", limit=3, date=today() - timedelta(days=1))
    later = await create_group(exam, name="G2", limit=1, date=today() + timedelta(days=10))
    return {
        "school": school,
        "body": body,
        "exam": exam,
        "held": held,
        "later": later,
        "body_user": (await create_user(Role.AWARDING_BODY, body), Role.AWARDING_BODY),
        "school_user": (await create_user(Role.SCHOOL, school), Role.SCHOOL),
    }


async def test_distribution_fills_groups_in_order_all_or_none(api):
    school = await create_school()
    exam = await create_exam(school=school, status=ExamStatus.DRAFT)
    g1, g2 = (
        await create_group(exam, name="A", limit=2),
        await create_group(exam, name="B", limit=1),
    )
    waiting = [await create_participant(exam) for _ in range(3)]
    user = (await create_user(Role.SCHOOL, school), Role.SCHOOL)

    placed = await api.query(DISTRIBUTE, {"exam": gid("Exam", exam)}, as_=user)

    assert placed["data"]["examParticipantsDistribute"] == {"placedCount": 3, "userErrors": []}
    assert await Participant.filter(group_id=g1.id).count() == 2
    assert await Participant.filter(group_id=g2.id).count() == 1
    await create_participant(exam)
    full = await api.query(DISTRIBUTE, {"exam": gid("Exam", exam)}, as_=user)
    assert full["data"]["examParticipantsDistribute"]["userErrors"] == [{"code": "GROUP_FULL"}]
    assert await Participant.filter(exam_id=exam.id, group_id=None).count() == 1
    assert len(waiting) == 3


async def test_moving_into_a_full_group_is_refused(api, accepted):
    a = accepted
    sitting = await create_participant(a["exam"], a["held"])
    await create_participant(a["exam"], a["later"])

    moved = await api.query(
        MOVE,
        {"id": gid("Participant", sitting), "group": gid("ExamGroup", a["later"])},
        as_=a["body_user"],
    )

    assert moved["data"]["participantMove"]["userErrors"] == [{"code": "GROUP_FULL"}]
    assert (await Participant.get(id=sitting.id)).group_id == a["held"].id


async def test_a_work_world_applicant_with_a_valid_code_joins_never_state_funded(api, accepted):
    a = accepted
    variables = {"exam": gid("Exam", a["exam"]), "group": gid("ExamGroup", a["held"])}

    result = await api.query(
        WORK_WORLD,
        {**variables, "code": "38504122318", "first": "TÕNIS", "last": "õun"},
        as_=a["body_user"],
    )

    payload = result["data"]["examWorkWorldApplicantAdd"]
    assert payload["userErrors"] == []
    assert payload["participant"] == {
        "kind": "WORK_WORLD_APPLICANT",
        "fundingCode": None,
        "stateFunded": False,
        "person": {"personalCode": "38504122318", "lastName": "Õun"},  # as the register has it
    }


@pytest.mark.parametrize(
    ("code", "last", "error"),
    [("38504122318", "Oun", "PERSON_MISMATCH"), ("37005059998", "Tamm", "PERSON_UNKNOWN")],
)
async def test_the_population_register_must_know_the_applicant(api, accepted, code, last, error):
    a = accepted
    people = await Person.all().count()

    result = await api.query(
        WORK_WORLD,
        {
            "exam": gid("Exam", a["exam"]),
            "group": gid("ExamGroup", a["held"]),
            "code": code,
            "first": "Tõnis",
            "last": last,
        },
        as_=a["body_user"],
    )

    errors = result["data"]["examWorkWorldApplicantAdd"]["userErrors"]
    assert [e["code"] for e in errors] == [error]
    if error == "PERSON_MISMATCH":
        assert "Tõnis Õun" in errors[0]["message"]
    assert await Person.all().count() == people
    assert await Participant.filter(exam_id=a["exam"].id).count() == 0


@pytest.mark.parametrize("code", ["5000011511", "37605030298", "3760503029X", ""])
async def test_an_invalid_personal_code_is_refused_and_nothing_is_created(api, accepted, code):
    a = accepted
    people = await Person.all().count()

    result = await api.query(
        WORK_WORLD,
        {
            "exam": gid("Exam", a["exam"]),
            "group": gid("ExamGroup", a["held"]),
            "code": code,
            "first": "A",
            "last": "B",
        },
        as_=a["body_user"],
    )

    errors = result["data"]["examWorkWorldApplicantAdd"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("INVALID_PERSONAL_CODE", ["personalCode"])
    ]
    assert code not in errors[0]["message"] or not code
    assert await Person.all().count() == people
    assert await Participant.filter(exam_id=a["exam"].id).count() == 0


async def test_retakers_come_from_a_recent_failed_absent_or_partial_result(api, accepted):
    a = accepted
    earlier = await create_exam(
        school=a["school"],
        awarding_body=a["body"],
        standard=await a["exam"].standard,
        status=ExamStatus.COMPLETED,
        graduation_date=today() - timedelta(days=100),
    )
    failed = await create_participant(earlier, result=ParticipantResult.FAILED, score=40)
    absent = await create_participant(earlier, result=ParticipantResult.ABSENT)
    passed = await create_participant(earlier, result=ParticipantResult.PASSED, score=90)

    refused = await api.query(
        RETAKERS,
        {
            "exam": gid("Exam", a["exam"]),
            "group": gid("ExamGroup", a["held"]),
            "participants": [gid("Participant", failed), gid("Participant", passed)],
        },
        as_=a["body_user"],
    )
    added = await api.query(
        RETAKERS,
        {
            "exam": gid("Exam", a["exam"]),
            "group": gid("ExamGroup", a["held"]),
            "participants": [gid("Participant", failed), gid("Participant", absent)],
        },
        as_=a["body_user"],
    )

    assert refused["data"]["examRetakersAdd"]["userErrors"] == [
        {"code": "NOT_ELIGIBLE", "field": ["participants", "1"]}
    ]
    assert [p["kind"] for p in added["data"]["examRetakersAdd"]["participants"]] == ["RETAKER"] * 2
    assert await Participant.filter(exam_id=a["exam"].id, kind=ParticipantKind.RETAKER).count() == 2


async def test_a_committee_needs_a_chair_and_enough_assessors_of_the_body(api, accepted):
    a = accepted
    chair = await create_user(Role.ASSESSOR, a["body"])
    member = await create_user(Role.ASSESSOR, a["body"])
    stranger = await create_person()
    group = a["held"]

    async def set_committee(*members: tuple[object, str]) -> dict:  # type: ignore[type-arg]
        result = await api.query(
            COMMITTEE,
            {
                "id": gid("ExamGroup", group),
                "version": 1,
                "members": [{"person": gid("Person", p), "role": r} for p, r in members],
            },
            as_=a["body_user"],
        )
        return result["data"]["groupCommitteeSet"]

    too_few = await set_committee((chair, "CHAIR"), (member, "EMPLOYER"))
    outsider = await set_committee((chair, "CHAIR"), (member, "EMPLOYER"), (stranger, "EMPLOYEE"))
    third = await create_user(Role.ASSESSOR, a["body"])
    done = await set_committee((chair, "CHAIR"), (member, "EMPLOYER"), (third, "TEACHER"))

    assert too_few["userErrors"][0]["code"] == "COMMITTEE_INCOMPLETE"
    assert outsider["userErrors"] == [{"code": "INVALID_INPUT", "field": ["members", "2"]}]
    group_after = done["group"]
    assert group_after["version"] == 2
    assert [m["role"] for m in group_after["committee"]] == ["CHAIR", "EMPLOYER", "TEACHER"]
    assert await CommitteeMember.filter(group_id=group.id).count() == 3


async def test_results_follow_the_scheme_and_are_recorded_only_after_the_exam(api, accepted):
    a = accepted
    assessor = await create_user(Role.ASSESSOR, a["body"])
    await create_committee_member(a["held"], assessor, CommitteeRole.CHAIR)
    as_assessor = (assessor, Role.ASSESSOR)
    good, poor, missing = [await create_participant(a["exam"], a["held"]) for _ in range(3)]
    future = await create_participant(a["exam"], a["later"])

    async def record(participant, **variables):  # type: ignore[no-untyped-def]
        result = await api.query(
            RESULT,
            {"id": gid("Participant", participant), "version": 1, **variables},
            as_=as_assessor,
        )
        return result["data"]["participantResultRecord"]

    assert (await record(good, scores=scores(20, 18, 32, 10)))["participant"] == {
        "result": "PASSED",
        "score": 80,
        "version": 2,
    }
    assert (await record(poor, scores=scores(10, 10, 20, 10)))["participant"]["result"] == "FAILED"
    assert (await record(missing, absent=True))["participant"] == {
        "result": "ABSENT",
        "score": None,
        "version": 2,
    }
    assert (await record(good, scores=scores(20, 20, 40, 20)))["userErrors"] == [
        {"code": "STALE_VERSION", "field": ["version"]}
    ]
    over = await record(poor, scores=scores(21, 10, 20, 10))
    assert over["userErrors"] != []
    not_held = await api.query(
        RESULT,
        {"id": gid("Participant", future), "version": 1, "scores": scores(20, 20, 40, 20)},
        as_=a["body_user"],
    )
    assert not_held["data"]["participantResultRecord"]["userErrors"][0]["code"] == "INVALID_STATE"
    other_group = await record(future, scores=scores(20, 20, 40, 20))
    assert other_group["userErrors"][0]["code"] == "FORBIDDEN"  # not this assessor's group
    other = await create_user(Role.ASSESSOR, a["body"])
    result = await api.query(
        RESULT,
        {"id": gid("Participant", good), "version": 2, "scores": scores(1, 1, 1, 1)},
        as_=(other, Role.ASSESSOR),
    )
    assert result["data"]["participantResultRecord"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await Participant.get(id=good.id)).score == 80


CANDIDATES = """
query ($id: ID!) { exam(id: $id) { retakerCandidates(first: 10) {
  edges { node { id result } } } } }
"""


async def test_the_body_sees_the_retaker_candidates_and_the_school_does_not(api, accepted):
    a = accepted
    earlier = await create_exam(
        school=a["school"],
        awarding_body=a["body"],
        standard=await a["exam"].standard,
        status=ExamStatus.COMPLETED,
        graduation_date=today() - timedelta(days=100),
    )
    failed = await create_participant(earlier, result=ParticipantResult.FAILED, score=40)
    await create_participant(earlier, result=ParticipantResult.PASSED, score=90)
    too_old = await create_exam(
        school=a["school"],
        awarding_body=a["body"],
        standard=await a["exam"].standard,
        status=ExamStatus.COMPLETED,
        graduation_date=today() - timedelta(days=400),
    )
    await create_participant(too_old, result=ParticipantResult.FAILED, score=10)

    as_body = await api.query(CANDIDATES, {"id": gid("Exam", a["exam"])}, as_=a["body_user"])
    as_school = await api.query(CANDIDATES, {"id": gid("Exam", a["exam"])}, as_=a["school_user"])

    edges = as_body["data"]["exam"]["retakerCandidates"]["edges"]
    assert [e["node"] for e in edges] == [{"id": gid("Participant", failed), "result": "FAILED"}]
    assert as_school["data"]["exam"]["retakerCandidates"]["edges"] == []


async def test_distribution_keeps_each_group_to_its_language(api):
    school = await create_school()
    exam = await create_exam(school=school, status=ExamStatus.DRAFT)
    estonian = await create_group(exam, name="A", limit=5, language="et")
    await create_participant(exam, language="et")
    speaks_russian = await create_participant(exam, language="ru")
    user = (await create_user(Role.SCHOOL, school), Role.SCHOOL)

    refused = await api.query(DISTRIBUTE, {"exam": gid("Exam", exam)}, as_=user)
    russian = await create_group(exam, name="B", limit=2, language="ru")
    placed = await api.query(DISTRIBUTE, {"exam": gid("Exam", exam)}, as_=user)

    assert refused["data"]["examParticipantsDistribute"]["userErrors"] == [{"code": "GROUP_FULL"}]
    assert placed["data"]["examParticipantsDistribute"] == {"placedCount": 2, "userErrors": []}
    assert (await Participant.get(id=speaks_russian.id)).group_id == russian.id
    assert await Participant.filter(group_id=estonian.id).count() == 1
