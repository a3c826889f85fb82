"""A global ID whose number does not fit a 64-bit key is answered as any bad ID, wherever an
ID is read (issue 11, item 9): they all go through `schema.node.from_global_id`."""

from __future__ import annotations

import base64

import pytest

from models.enums import ExamStatus, Role
from models.exam import Exam
from schema.node import MAX_PK, from_global_id, to_global_id
from tests.factories import create_exam


def _raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


HUGE = _raw("Exam:" + "9" * 40)
JUST_OVER = _raw(f"Exam:{MAX_PK + 1}")
GARBAGE = "not-an-id"


@pytest.mark.parametrize(
    "global_id", [HUGE, JUST_OVER, _raw("Exam:１２"), _raw("Exam:-1"), _raw("Exam:"), _raw(":1")]
)
def test_an_id_that_is_not_ours_decodes_to_none(global_id):
    assert from_global_id(global_id) is None


def test_the_largest_64_bit_key_still_decodes():
    assert from_global_id(to_global_id("Exam", MAX_PK)) == ("Exam", MAX_PK)


def _without_ids(body: dict) -> dict:
    """The answer with the ID text itself taken out of messages."""
    for error in body.get("errors") or []:
        error["message"] = error["message"].replace(HUGE, "?").replace(GARBAGE, "?")
        error.pop("locations", None)
    return body


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query ($id: ID!) { node(id: $id) { id } }", {}),
        ("query ($id: ID!) { nodes(ids: [$id]) { id } }", {}),
        ("query ($id: ID!) { exam(id: $id) { id } }", {}),
        (
            'mutation ($id: ID!) { examUpdate(id: $id, version: 1, input: {comment: "x"}) '
            "{ exam { id } userErrors { code field } } }",
            {},
        ),
        (
            "mutation ($id: ID!) { examParticipantsAdd(exam: $id, students: [$id]) "
            "{ userErrors { code field } } }",
            {},
        ),
        ("query ($id: ID!) { schools(first: 1, after: $id) { totalCount } }", {}),
    ],
)
async def test_an_id_too_big_for_64_bits_gets_the_answer_of_any_bad_id(api, query, variables):
    exam = await create_exam(status=ExamStatus.DRAFT)
    as_school = (await exam.responsible, Role.SCHOOL)

    huge = await api.query(query, {**variables, "id": HUGE}, as_=as_school)
    garbage = await api.query(query, {**variables, "id": GARBAGE}, as_=as_school)

    assert _without_ids(huge) == _without_ids(garbage)
    assert "int too large" not in str(huge)
    assert await Exam.get(id=exam.id).values_list("version", flat=True) == exam.version


@pytest.mark.parametrize(
    "path",
    [
        "/documents/protocols/{}",
        "/documents/extracts/{}",
        "/reports/statistics.csv?groupBy=STATUS&school={}",
        "/reports/compensation.csv?dateFrom=2024-02-01&dateTo=2024-03-31&awardingBody={}",
    ],
)
async def test_downloads_answer_an_id_too_big_as_any_bad_id(api, path):
    exam = await create_exam()
    token = await api.token_for(await exam.responsible, Role.SCHOOL)
    headers = {"Authorization": f"Bearer {token}"}

    huge = await api.http.get(path.format(HUGE), headers=headers)
    garbage = await api.http.get(path.format(GARBAGE), headers=headers)

    assert huge.status_code == garbage.status_code
    assert huge.status_code < 500
    assert huge.text.replace(HUGE, "?") == garbage.text.replace(GARBAGE, "?")
