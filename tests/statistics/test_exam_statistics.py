"""Exam statistics: figures against the hand-counted world, and who sees which."""

from __future__ import annotations

import pytest

from models.report_sql import average, percent
from schema.node import to_global_id
from tests.statistics.world import make_world

EXAMS = """
query ($by: [StatisticsDimension!], $filter: ExamStatisticsFilter) {
  statistics {
    validStandards
    exams(groupBy: $by, filter: $filter) {
      status year school { name } awardingBody { name } standard { name }
      exams participants passed partiallyPassed failed absent withoutResult
      passRate partialPassRate failRate absenceRate
      stateFunded notStateFunded withoutFundingCode
      acceptedExams averageDaysToAcceptance completedExams averageDaysToCommissionProtocol
    }
  }
}
"""
FIGURES = (
    "exams participants passed partiallyPassed failed absent withoutResult passRate "
    "partialPassRate failRate absenceRate stateFunded notStateFunded withoutFundingCode "
    "acceptedExams averageDaysToAcceptance completedExams averageDaysToCommissionProtocol"
).split()


@pytest.fixture
async def world(api):  # type: ignore[no-untyped-def]
    return await make_world()


async def _rows(api, world, viewer: str, **variables):  # type: ignore[no-untyped-def]
    result = await api.query(EXAMS, variables, as_=world.viewers[viewer])
    assert "errors" not in result, result
    return result["data"]["statistics"]["exams"]


def _figures(row: dict) -> list:
    return [row[name] for name in FIGURES]


async def test_the_registry_totals_match_the_hand_count(api, world):
    [row] = await _rows(api, world, "admin")

    assert row["status"] is row["year"] is row["school"] is None
    assert dict(zip(FIGURES, _figures(row), strict=True)) == {
        "exams": 4,
        "participants": 11,
        "passed": 5,
        "partiallyPassed": 1,
        "failed": 2,
        "absent": 2,
        "withoutResult": 1,
        "passRate": 50.0,
        "partialPassRate": 10.0,
        "failRate": 20.0,
        "absenceRate": 20.0,
        "stateFunded": 7,
        "notStateFunded": 4,
        "withoutFundingCode": 1,
        "acceptedExams": 3,
        "averageDaysToAcceptance": 1.7,  # (2.5 + 1 + 1.5) / 3 = 1.666… → 1.7
        "completedExams": 2,
        "averageDaysToCommissionProtocol": 9.0,  # (7 + 11) / 2
    }


async def test_grouped_by_status_and_year_with_the_draft_in_its_graduation_year(api, world):
    rows = await _rows(api, world, "admin", by=["YEAR", "STATUS"])

    assert [(r["year"], r["status"], r["exams"], r["participants"]) for r in rows] == [
        (2024, "ASSESSED", 1, 3),
        (2024, "COMPLETED", 2, 7),
        (2025, "DRAFT", 1, 1),
    ]
    completed = rows[1]
    assert (completed["passed"], completed["passRate"], completed["partialPassRate"]) == (
        2,
        28.6,  # 2 of 7 → 28.571… → 28.6
        14.3,  # 1 of 7 → 14.285… → 14.3
    )
    assert completed["averageDaysToCommissionProtocol"] == 9.0


async def test_grouped_by_school_and_awarding_body_names_them(api, world):
    rows = await _rows(api, world, "admin", by=["SCHOOL", "AWARDING_BODY"])

    assert sorted((r["school"]["name"], r["awardingBody"]["name"], r["exams"]) for r in rows) == [
        ("Pärnumaa Kutsehariduskeskus", "Eesti Keevitusühing", 1),
        ("Tartu Kutsehariduskeskus", "BCS Koolitus", 1),
        ("Tartu Kutsehariduskeskus", "Eesti Keevitusühing", 2),
    ]


async def test_filters_by_exam_date_status_and_organisation(api, world):
    in_2024 = {"dateFrom": "2024-01-01", "dateTo": "2024-12-31"}
    completed = {"status": ["COMPLETED"]}
    school_a = {"school": to_global_id("School", world.orgs["school_a"].id)}

    [year] = await _rows(api, world, "admin", filter=in_2024)
    [done] = await _rows(api, world, "admin", filter=completed)
    [of_a] = await _rows(api, world, "admin", filter=school_a)
    march = await _rows(
        api, world, "admin", filter={"dateFrom": "2024-03-01", "dateTo": "2024-03-31"}
    )

    assert (year["exams"], done["exams"], of_a["exams"], march[0]["exams"]) == (3, 2, 3, 1)


@pytest.mark.parametrize(
    ("viewer", "exams", "participants"),
    [
        ("admin", 4, 11),
        ("school_a", 3, 9),  # exams 1, 2 and its draft
        ("school_b", 1, 2),  # exam 3 only
        ("body_x", 2, 7),  # exams 1 and 3 sent to it; never school A's draft
        ("body_y", 1, 3),  # exam 2
    ],
)
async def test_each_reporting_role_counts_only_its_own_exams(
    api, world, viewer, exams, participants
):
    [row] = await _rows(api, world, viewer)

    assert (row["exams"], row["participants"]) == (exams, participants)


async def test_a_school_filtering_on_another_school_gets_nothing_of_it(api, world):
    other = {"school": to_global_id("School", world.orgs["school_b"].id)}

    [row] = await _rows(api, world, "school_a", filter=other)

    assert (row["exams"], row["participants"]) == (0, 0)
    assert row["passRate"] is None


@pytest.mark.parametrize("viewer", ["public", "assessor_x", "chair_x"])
async def test_the_public_assessors_and_chairs_get_home_page_figures_only(api, world, viewer):
    result = await api.query(EXAMS, {}, as_=world.viewers[viewer])

    assert result["data"]["statistics"]["exams"] is None
    assert result["data"]["statistics"]["validStandards"] >= 0
    # The public is told to sign in (UNAUTHENTICATED); a signed-in role is FORBIDDEN.
    expected = "UNAUTHENTICATED" if viewer == "public" else "FORBIDDEN"
    assert [e["extensions"]["code"] for e in result["errors"]] == [expected]


def test_rates_and_averages_round_half_up_in_integers():
    assert percent(2, 3) == 66.7
    assert percent(1, 8) == 12.5
    assert percent(1, 16) == 6.3  # 6.25 → 6.3, half up, never banker's rounding
    assert percent(1, 40) == 2.5
    assert percent(0, 0) is None
    assert average(5 * 86_400, 3, 86_400) == 1.7
    assert average(1, 20) == 0.1  # 0.05 → 0.1
    assert average(0, 0) is None
