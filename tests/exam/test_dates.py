"""Dates: never in the past where they are set or where an exam moves on; a short notice warns.

Time passing is played by moving a stored date back (as the calendar would), never by waiting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from models.clock import today
from models.enums import ExamStatus
from models.exam import Exam
from models.group import ExamGroup
from models.workflow import dates
from schema.node import from_global_id
from tests.exam.conftest import School
from tests.exam.test_workflow import (
    ACCEPT,
    GROUP_UPDATE,
    SUBMIT,
    _create,
    _ready_exam,
    _version,
    exam_day,
)

GROUP_CREATE = """
mutation ($exam: ID!, $input: GroupCreateInput!) {
  groupCreate(exam: $exam, input: $input) {
    group { id date } userErrors { code field message } warnings { code field message }
  }
}"""
DATE_UPDATE = """
mutation ($id: ID!, $version: Int!, $input: ExamUpdateInput!) {
  examUpdate(id: $id, version: $version, input: $input) {
    exam { graduationDate } userErrors { code field message }
  }
}"""
ACCEPT_WARNINGS = """
mutation ($id: ID!, $version: Int!) {
  examAccept(id: $id, version: $version) {
    exam { status } userErrors { code field } warnings { code field }
  }
}"""


def pk(global_id: str) -> int:
    decoded = from_global_id(global_id)
    assert decoded is not None
    return decoded[1]


# ----- the rule itself, with an explicit "today" -----


def test_the_estonian_date_decides_not_the_servers():
    assert today(datetime(2026, 11, 30, 21, 59, tzinfo=UTC)) == date(2026, 11, 30)
    assert today(datetime(2026, 11, 30, 22, 0, tzinfo=UTC)) == date(2026, 12, 1)  # EET, UTC+2
    assert today(datetime(2026, 6, 30, 21, 0, tzinfo=UTC)) == date(2026, 7, 1)  # EEST, UTC+3


@pytest.mark.parametrize(
    ("day", "is_past", "warns"),
    [
        (date(2026, 12, 14), True, False),  # yesterday
        (date(2026, 12, 15), False, True),  # today
        (date(2027, 1, 14), False, True),  # a day short of a month
        (date(2027, 1, 15), False, False),  # a month ahead
    ],
)
def test_past_and_short_notice_around_their_edges(day, is_past, warns):
    on = date(2026, 12, 15)

    assert bool(dates.past(day, ["date"], on)) is is_past
    assert bool(dates.short_notice(day, ["date"], on)) is warns


# ----- where a date is set -----


async def test_an_exam_with_a_past_graduation_date_is_not_created(api, world: School):
    count = await Exam.all().count()
    yesterday = (today() - timedelta(days=1)).isoformat()

    refused = await _create(api, world, graduationDate=yesterday)
    kept = await _create(api, world, graduationDate=today().isoformat())

    assert refused["exam"] is None
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("DATE_IN_PAST", ["graduationDate"])
    ]
    assert "möödas" in refused["userErrors"][0]["message"]
    assert "in the past" in refused["userErrors"][0]["message"]
    assert kept["userErrors"] == []
    assert await Exam.all().count() == count + 1


async def test_a_graduation_date_cannot_be_moved_into_the_past(api, world: School):
    exam = (await _create(api, world))["exam"]
    before = await Exam.get(id=pk(exam["id"]))

    result = await api.query(
        DATE_UPDATE,
        {
            "id": exam["id"],
            "version": before.version,
            "input": {"graduationDate": (today() - timedelta(days=400)).isoformat()},
        },
        as_=world.as_school(),
    )

    payload = result["data"]["examUpdate"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("DATE_IN_PAST", ["graduationDate"])
    ]
    after = await Exam.get(id=before.id)
    assert (after.graduation_date, after.version) == (before.graduation_date, before.version)


async def test_a_group_is_not_scheduled_in_the_past_and_a_short_notice_warns(api, world: School):
    exam = (await _create(api, world))["exam"]

    async def create(name: str, day: date) -> dict:
        variables = {"exam": exam["id"], "input": {"name": name, "limit": 5, "date": str(day)}}
        result = await api.query(GROUP_CREATE, variables, as_=world.as_school())
        return result["data"]["groupCreate"]

    past = await create("G1", today() - timedelta(days=1))
    soon = await create("G2", today() + timedelta(days=10))
    later = await create("G3", exam_day())

    assert past["group"] is None
    assert [(e["code"], e["field"]) for e in past["userErrors"]] == [("DATE_IN_PAST", ["date"])]
    assert soon["userErrors"] == []
    assert [(w["code"], w["field"]) for w in soon["warnings"]] == [("SHORT_NOTICE", ["date"])]
    assert "kuu" in soon["warnings"][0]["message"]
    assert "month" in soon["warnings"][0]["message"]
    assert later["warnings"] == []
    names = await ExamGroup.filter(exam_id=pk(exam["id"])).values_list("name", flat=True)
    assert sorted(names) == ["G2", "G3"]


async def test_a_group_cannot_be_moved_into_the_past(api, world: School):
    exam_id, group_id = await _ready_exam(api, world)
    group = await ExamGroup.get(id=pk(group_id))

    result = await api.query(
        GROUP_UPDATE,
        {
            "id": group_id,
            "version": group.version,
            "input": {"date": (today() - timedelta(days=2)).isoformat()},
        },
        as_=world.as_school(),
    )

    assert result["data"]["groupUpdate"]["userErrors"] == [
        {"code": "DATE_IN_PAST", "field": ["date"]}
    ]
    after = await ExamGroup.get(id=group.id)
    assert (after.date, after.version) == (group.date, group.version)


# ----- where an exam moves on -----


async def test_an_exam_whose_group_day_passed_is_not_submitted(api, world: School):
    exam_id, group_id = await _ready_exam(api, world)
    passed = today() - timedelta(days=3)
    await ExamGroup.filter(id=pk(group_id)).update(date=passed)  # the calendar moved on
    version = await _version(exam_id)

    result = await api.query(SUBMIT, {"id": exam_id, "version": version}, as_=world.as_school())

    payload = result["data"]["examSubmit"]
    assert ("DATE_IN_PAST", ["groups", "Keevitaja, tase 4 (G1)"]) in [
        (e["code"], e["field"]) for e in payload["userErrors"]
    ]
    exam = await Exam.get(id=pk(exam_id))
    assert (exam.status, exam.version, exam.submitted_at) == (ExamStatus.DRAFT, version, None)


async def test_an_exam_whose_graduation_day_passed_is_not_submitted(api, world: School):
    exam_id, _ = await _ready_exam(api, world)
    await Exam.filter(id=pk(exam_id)).update(graduation_date=today() - timedelta(days=700))
    version = await _version(exam_id)

    result = await api.query(SUBMIT, {"id": exam_id, "version": version}, as_=world.as_school())

    assert ("DATE_IN_PAST", ["graduationDate"]) in [
        (e["code"], e["field"]) for e in result["data"]["examSubmit"]["userErrors"]
    ]
    assert (await Exam.get(id=pk(exam_id))).status is ExamStatus.DRAFT


async def test_an_exam_whose_group_day_passed_while_submitted_is_not_accepted(api, world: School):
    exam_id, group_id = await _ready_exam(api, world)
    submitted = await api.query(
        SUBMIT, {"id": exam_id, "version": await _version(exam_id)}, as_=world.as_school()
    )
    assert submitted["data"]["examSubmit"]["userErrors"] == []
    await ExamGroup.filter(id=pk(group_id)).update(date=today() - timedelta(days=1))
    version = await _version(exam_id)

    result = await api.query(ACCEPT, {"id": exam_id, "version": version}, as_=world.as_body())

    assert result["data"]["examAccept"]["userErrors"] == [{"code": "DATE_IN_PAST"}]
    exam = await Exam.get(id=pk(exam_id))
    assert (exam.status, exam.version, exam.accepted_at) == (ExamStatus.SUBMITTED, version, None)


async def test_accepting_an_exam_less_than_a_month_ahead_warns_and_accepts(api, world: School):
    exam_id, group_id = await _ready_exam(api, world)
    await api.query(
        SUBMIT, {"id": exam_id, "version": await _version(exam_id)}, as_=world.as_school()
    )
    await ExamGroup.filter(id=pk(group_id)).update(date=today() + timedelta(days=7))

    result = await api.query(
        ACCEPT_WARNINGS,
        {"id": exam_id, "version": await _version(exam_id)},
        as_=world.as_body(),
    )

    payload = result["data"]["examAccept"]
    assert payload["userErrors"] == []
    assert payload["exam"]["status"] == "ACCEPTED"
    assert payload["warnings"] == [
        {"code": "SHORT_NOTICE", "field": ["groups", "Keevitaja, tase 4 (G1)"]}
    ]
