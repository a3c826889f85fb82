"""Searching by name: full names, partial names, any case, Estonian letters, on both databases.

A search used to be compared with the 16-character code column as well, so any text longer
than a code failed ("Tartu Kutsehariduskeskus"), and SQLite matched case only in ASCII.
"""

from __future__ import annotations

import pytest

from models.enums import Role
from schema.node import to_global_id
from tests.factories import (
    create_awarding_body,
    create_curriculum,
    create_exam,
    create_participant,
    create_person,
    create_school,
    create_standard,
    create_user,
)

SCHOOLS = "query($s: String) { schools(search: $s) { totalCount edges { node { name } } } }"
BODIES = "query($s: String) { awardingBodies(search: $s) { edges { node { name } } } }"
CURRICULA = "query($s: String) { curricula(filter: {search: $s}) { edges { node { name } } } }"
STANDARDS = "query($s: String) { standards(filter: {curriculum: $s}) { edges { node { name } } } }"
PARTICIPANTS = """
query($id: ID!, $s: String) { exam(id: $id) { participants(search: $s) {
  edges { node { person { lastName } } } } } }"""


def names(body: dict, field: str) -> list[str]:
    assert "errors" not in body, body
    return sorted(edge["node"]["name"] for edge in body["data"][field]["edges"])


@pytest.fixture
async def schools(api):  # type: ignore[no-untyped-def]
    await create_school(name="Tartu Kutsehariduskeskus", code="1052")
    await create_school(name="Õismäe Ärikool", code="1053")
    await create_school(name="Tallinna Tööstushariduskeskus", code="1054")


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("Tartu Kutsehariduskeskus", ["Tartu Kutsehariduskeskus"]),  # longer than a code
        ("  tartu kutsehariduskeskus ", ["Tartu Kutsehariduskeskus"]),
        ("kutse", ["Tartu Kutsehariduskeskus"]),
        ("tartu keskus", ["Tartu Kutsehariduskeskus"]),  # words, not one substring
        ("hariduskeskus", ["Tallinna Tööstushariduskeskus", "Tartu Kutsehariduskeskus"]),
        ("õismäe", ["Õismäe Ärikool"]),  # Estonian letters in any case
        ("ÕISMÄE ÄRIKOOL", ["Õismäe Ärikool"]),
        ("TÖÖSTUS", ["Tallinna Tööstushariduskeskus"]),
        ("1053", ["Õismäe Ärikool"]),  # the EHIS code, exactly
        ("Narva", []),
    ],
)
async def test_schools_are_found_by_name_or_code(api, schools, search, found):
    body = await api.query(SCHOOLS, {"s": search})

    assert names(body, "schools") == found
    assert body["data"]["schools"]["totalCount"] == len(found)


async def test_awarding_bodies_are_found_by_full_name_in_any_case(api):
    await create_awarding_body(name="Eesti Keevitajate Ühing", code="80253652")
    await create_awarding_body(name="Eesti Ehitusettevõtjate Liit", code="80011936")

    full = await api.query(BODIES, {"s": "eesti keevitajate ühing"})
    upper = await api.query(BODIES, {"s": "ÜHING"})
    code = await api.query(BODIES, {"s": "80011936"})

    assert names(full, "awardingBodies") == ["Eesti Keevitajate Ühing"]
    assert names(upper, "awardingBodies") == ["Eesti Keevitajate Ühing"]
    assert names(code, "awardingBodies") == ["Eesti Ehitusettevõtjate Liit"]


async def test_curricula_and_standards_are_found_by_a_curriculum_name_longer_than_a_code(api):
    standard = await create_standard(name="Keevitaja, tase 4")
    await create_curriculum(await create_school(), standard, name="Keevitaja õppekava (kutseõpe)")

    curricula = await api.query(CURRICULA, {"s": "KEEVITAJA ÕPPEKAVA"})
    standards = await api.query(STANDARDS, {"s": "keevitaja õppekava (kutseõpe)"})

    assert names(curricula, "curricula") == ["Keevitaja õppekava (kutseõpe)"]
    assert names(standards, "standards") == ["Keevitaja, tase 4"]


async def test_participants_are_found_by_full_name_in_any_case(api):
    school = await create_school()
    exam = await create_exam(school=school)
    for first, last in (("Mari", "Maasikas"), ("Õie", "Šmidt"), ("Mart", "Mägi")):
        await create_participant(exam, person=await create_person(first_name=first, last_name=last))
    user = (await create_user(Role.SCHOOL, school), Role.SCHOOL)
    exam_id = to_global_id("Exam", exam.id)

    async def found(search: str) -> list[str]:
        body = await api.query(PARTICIPANTS, {"id": exam_id, "s": search}, as_=user)
        edges = body["data"]["exam"]["participants"]["edges"]
        return [edge["node"]["person"]["lastName"] for edge in edges]

    assert await found("Mari Maasikas") == ["Maasikas"]
    assert await found("maasikas mari") == ["Maasikas"]
    assert await found("õie šmidt") == ["Šmidt"]
    assert await found("MÄGI") == ["Mägi"]
    assert await found("ma") == ["Maasikas", "Mägi"]
