"""The public standards search: seed 000's filters and keyset paging."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from models.clock import today
from models.standard import PartialQualification, Specialisation
from schema.node import to_global_id
from tests.factories import create_curriculum, create_school, create_standard

SEARCH = """
query ($first: Int!, $after: String, $filter: StandardFilter) {
  standards(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { name version status ekrLevel partialQualifications { name } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""


async def _names(api, filter: dict) -> list[str]:  # type: ignore[no-untyped-def]
    result = await api.query(SEARCH, {"first": 50, "filter": filter})
    assert "errors" not in result, result
    return [edge["node"]["name"] for edge in result["data"]["standards"]["edges"]]


async def test_pages_walk_the_whole_list_once_in_name_order(api):
    names = [f"Kutse {letter}, tase 4" for letter in "ÕABCDEFG"]
    for name in names:
        await create_standard(name=name)
    seen: list[str] = []
    after = None

    while True:
        result = await api.query(SEARCH, {"first": 3, "after": after})
        page = result["data"]["standards"]
        seen += [edge["node"]["name"] for edge in page["edges"]]
        assert page["totalCount"] == len(names)
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert sorted(seen) == sorted(names)
    assert len(seen) == len(set(seen))


async def test_a_forged_cursor_is_a_clear_error(api):
    result = await api.query(SEARCH, {"first": 3, "after": "bm90LWEtY3Vyc29y"})

    assert result["data"] is None
    assert result["errors"][0]["message"] == "the `after` cursor is not valid"


@pytest.mark.parametrize(
    "values",
    [
        ["x" * 300, 1, 1],  # longer than the name column
        ["Kutse", "üks", 1],  # not a version number
        ["Kutse", 1, None],  # no id
        [{"name": "Kutse"}, 1, 1],  # not a value at all
    ],
)
async def test_a_cursor_whose_values_the_columns_refuse_is_a_clear_error(api, values):
    await create_standard(name="Kutse A, tase 4")
    forged = base64.urlsafe_b64encode(json.dumps(values).encode()).decode()

    result = await api.query(SEARCH, {"first": 3, "after": forged})

    assert result["data"] is None
    assert [(e["message"], e["extensions"]) for e in result["errors"]] == [
        ("the `after` cursor is not valid", {"code": "BAD_USER_INPUT"})
    ]


async def test_filters_by_each_of_the_seeds_fields(api):
    it = await create_standard(
        name="IT-süsteemide nooremspetsialist, tase 4",
        occupational_area="Info- ja kommunikatsioonitehnoloogia",
        field_of_activity="IKT",
        occupation_group="Tehnikud",
        isco="3512",
        isced="0612",
        emtak="62",
        ekr_level=4,
        eqf_level=4,
    )
    await PartialQualification.create(standard=it, name="IT-tehnik, tase 4")
    cook = await create_standard(
        name="Abikokk, tase 3",
        occupational_area="Toitlustus",
        ekr_level=3,
        eqf_level=3,
        isco="9412",
        valid_from=today() - timedelta(days=2000),
        valid_until=today() - timedelta(days=100),
    )
    await Specialisation.create(standard=cook, name="Külmköök")
    school = await create_school(name="Haapsalu Kutsehariduskeskus")
    await create_curriculum(school, cook, name="Abikokk", ehis_code="134754")
    it_name, cook_name = it.name, cook.name

    assert await _names(api, {"name": "süsteemide"}) == [it_name]
    assert await _names(api, {"occupationalArea": "Toitlustus"}) == [cook_name]
    assert await _names(api, {"fieldOfActivity": "IKT"}) == [it_name]
    assert await _names(api, {"occupationGroup": "Tehnikud"}) == [it_name]
    assert await _names(api, {"ekrLevel": 3}) == [cook_name]
    assert await _names(api, {"eqfLevel": 4}) == [it_name]
    assert await _names(api, {"isco": "35"}) == [it_name]
    assert await _names(api, {"isced": "0612"}) == [it_name]
    assert await _names(api, {"emtak": "62"}) == [it_name]
    assert await _names(api, {"status": "EXPIRED"}) == [cook_name]
    assert await _names(api, {"status": "VALID"}) == [it_name]
    assert await _names(api, {"curriculum": "134754"}) == [cook_name]
    assert await _names(api, {"curriculum": "abikokk"}) == [cook_name]
    assert await _names(api, {"school": to_global_id("School", school.id)}) == [cook_name]
    assert await _names(api, {"specialisation": "külm"}) == [cook_name]
    assert await _names(api, {"partialQualification": "IT-tehnik"}) == [it_name]
    assert await _names(api, {"name": "tase", "ekrLevel": 4}) == [it_name]


async def test_a_school_id_of_another_type_is_refused(api):
    result = await api.query(SEARCH, {"first": 5, "filter": {"school": to_global_id("Exam", 1)}})

    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
