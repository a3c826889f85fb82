"""The permission matrix: every role x every guarded field x own and foreign organisation.

Two awarding bodies and two schools; school A has a submitted exam (two groups, an assessor in
the first) and a draft, school B one submitted exam. Each viewer asks for every exam, its
groups, participants and their guarded fields; the test asserts exactly what comes back.
"""

from __future__ import annotations

from typing import Any

import pytest

from models.enums import FundingCode
from schema.node import to_global_id
from tests.factories import PermissionWorld, create_permission_world

GUARDED = ("fundingCode", "stateFunded", "specialNeeds", "result", "score")

EXAM = """
query ($id: ID!) {
  exam(id: $id) {
    id
    groups {
      name
      participants {
        id person { personalCode } fundingCode stateFunded specialNeeds result score
      }
    }
    participants(first: 50) { totalCount edges { node { id person { personalCode } } } }
    responsible { personalCode }
  }
}
"""

NODE = "query ($id: ID!) { node(id: $id) { id ... on Participant { person { personalCode } } } }"
EXAMS = "{ exams(first: 50) { totalCount edges { node { id } } } }"


@pytest.fixture
async def world(api) -> PermissionWorld:  # type: ignore[no-untyped-def]
    return await create_permission_world()


# viewer -> exam -> the participants (by group) they see; absent exam = not visible at all.
VISIBLE: dict[str, dict[str, dict[str, list[str]]]] = {
    "public": {},
    "school_a": {"exam_a": {"G1": ["p1"], "G2": ["p2"]}, "draft_a": {"": ["pd"]}},
    "school_b": {"exam_b": {"GB": ["pb"]}},
    "body_a": {"exam_a": {"G1": ["p1"], "G2": ["p2"]}},
    "body_b": {"exam_b": {"GB": ["pb"]}},
    "assessor_a": {"exam_a": {"G1": ["p1"]}},
    "chair_a": {"exam_a": {"G1": ["p1"], "G2": ["p2"]}},
    "chair_b": {"exam_b": {"GB": ["pb"]}},
    "admin": {
        "exam_a": {"G1": ["p1"], "G2": ["p2"]},
        "draft_a": {"": ["pd"]},
        "exam_b": {"GB": ["pb"]},
    },
}


def _expected_guarded(participant: Any) -> dict[str, Any]:
    funding = participant.funding_code
    return {
        "fundingCode": funding.value if funding else None,
        "stateFunded": funding in (FundingCode.R, FundingCode.Z),
        "specialNeeds": participant.special_needs,
        "result": participant.result.value if participant.result else None,
        "score": participant.score,
    }


@pytest.mark.parametrize("viewer", list(VISIBLE))
async def test_each_role_sees_exactly_its_exams_groups_participants_and_fields(api, world, viewer):
    who = world.viewers[viewer]
    expected = VISIBLE[viewer]
    person_codes = {key: (await p.person).personal_code for key, p in world.participants.items()}
    participant_key = {to_global_id("Participant", p.id): k for k, p in world.participants.items()}

    for exam_key, exam in world.exams.items():
        result = await api.query(EXAM, {"id": to_global_id("Exam", exam.id)}, as_=who)
        data = result["data"]["exam"]
        if exam_key not in expected:
            assert data is None, (viewer, exam_key)
            continue
        groups = {g["name"]: g for g in data["groups"]}
        assert set(groups) == {name for name in expected[exam_key] if name}
        for group_name, participant_keys in expected[exam_key].items():
            if not group_name:
                continue
            rows = groups[group_name]["participants"]
            assert [participant_key[row["id"]] for row in rows] == participant_keys
            for row in rows:
                key = participant_key[row["id"]]
                assert row["person"]["personalCode"] == person_codes[key]
                assert {field: row[field] for field in GUARDED} == _expected_guarded(
                    world.participants[key]
                )
        listed = [participant_key[e["node"]["id"]] for e in data["participants"]["edges"]]
        assert sorted(listed) == sorted(k for keys in expected[exam_key].values() for k in keys)
        assert data["participants"]["totalCount"] == len(listed)
        # The responsible teacher's personal code: only the registry admin (or themselves).
        if viewer == "admin":
            assert data["responsible"]["personalCode"] is not None
        else:
            assert data["responsible"] == {"personalCode": None}
            assert any(
                e["extensions"]["code"] == "FORBIDDEN" and e["path"][-1] == "personalCode"
                for e in result["errors"]
            )


@pytest.mark.parametrize("viewer", list(VISIBLE))
async def test_exam_list_and_node_lookup_follow_the_same_scopes(api, world, viewer):
    who = world.viewers[viewer]
    expected = VISIBLE[viewer]

    listed = await api.query(EXAMS, as_=who)

    ids = {edge["node"]["id"] for edge in listed["data"]["exams"]["edges"]}
    assert ids == {to_global_id("Exam", world.exams[k].id) for k in expected}
    assert listed["data"]["exams"]["totalCount"] == len(expected)
    visible_participants = {k for groups in expected.values() for ks in groups.values() for k in ks}
    for key, participant in world.participants.items():
        node = await api.query(NODE, {"id": to_global_id("Participant", participant.id)}, as_=who)
        if key in visible_participants:
            assert node["data"]["node"]["id"] == to_global_id("Participant", participant.id)
        else:
            assert node["data"]["node"] is None


async def test_committee_members_personal_codes_are_theirs_and_the_registrys(api, world):
    query = """
    query ($id: ID!) { exam(id: $id) { groups { committee { person { personalCode } } } } }
    """
    exam_id = to_global_id("Exam", world.exams["exam_a"].id)
    assessor, _ = world.viewers["assessor_a"]

    as_assessor = await api.query(query, {"id": exam_id}, as_=world.viewers["assessor_a"])
    as_body = await api.query(query, {"id": exam_id}, as_=world.viewers["body_a"])

    assert as_assessor["data"]["exam"]["groups"][0]["committee"][0]["person"] == {
        "personalCode": assessor.personal_code
    }
    member = as_body["data"]["exam"]["groups"][0]["committee"][0]["person"]
    assert member == {"personalCode": None}
    assert as_body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_public_certificate_register_has_no_personal_code_field(app):
    from app.graphql import build_schema

    certificate = build_schema(app.state.settings)._schema.type_map["Certificate"]

    assert not any(
        "code" in name.lower() and "personal" in name.lower() for name in certificate.fields
    )
