"""The compensation report: amounts against the hand count, traceability, and scopes."""

from __future__ import annotations

import pytest

from schema.node import to_global_id
from tests.compensation.world import PERIOD, make_world

REPORT = """
query ($dateFrom: Date!, $dateTo: Date!, $body: ID) {
  compensation(dateFrom: $dateFrom, dateTo: $dateTo, awardingBody: $body) {
    amountCents linesWithoutRate
    awardingBodies {
      awardingBody { name } exams lines compensatedParticipants amountCents linesWithoutRate
      compensatedParticipantsWithoutRate invoicedToSchoolParticipants notCompensatedParticipants
    }
    lines {
      exam { id } examDate examType curriculumGroup
      rate { id amountCents validFrom } missingRate
      compensatedParticipants invoicedToSchoolParticipants notCompensatedParticipants
      absentParticipants amountCents
      participants { id lastName fundingCode result category }
    }
  }
}
"""


@pytest.fixture
async def world(api):  # type: ignore[no-untyped-def]
    return await make_world()


async def _report(api, world, viewer: str, **extra):  # type: ignore[no-untyped-def]
    result = await api.query(REPORT, {**PERIOD, **extra}, as_=world.viewers[viewer])
    assert "errors" not in result, result
    return result["data"]["compensation"]


def _exam(world, name: str) -> str:  # type: ignore[no-untyped-def]
    return to_global_id("Exam", world.exams[name].id)


async def test_amounts_per_line_follow_the_rate_in_force_on_each_group_date(api, world):
    report = await _report(api, world, "admin")

    exam_names = {_exam(world, name): name for name in world.exams}
    lines = [
        (
            exam_names[line["exam"]["id"]],
            line["examDate"],
            line["rate"]["amountCents"] if line["rate"] else None,
            line["missingRate"],
            line["compensatedParticipants"],
            line["invoicedToSchoolParticipants"],
            line["notCompensatedParticipants"],
            line["absentParticipants"],
            line["amountCents"],
        )
        for line in report["lines"]
    ]
    assert sorted(lines) == [
        ("C1", "2024-02-20", 10_000, None, 2, 1, 1, 1, 20_000),
        ("C1", "2024-03-05", 12_000, None, 1, 1, 0, 0, 12_000),  # the March rate
        ("C2", "2024-03-10", 12_000, None, 0, 2, 0, 1, 0),  # nobody state funded sat
        ("C3", "2024-03-15", None, "NO_CURRICULUM_GROUP", 1, 0, 0, 0, None),
        ("C4", "2024-02-01", None, "NO_RATE_IN_FORCE", 1, 0, 0, 0, None),
        ("C7", "2024-03-20", 12_000, None, 2, 0, 0, 0, 24_000),
    ]
    assert (report["amountCents"], report["linesWithoutRate"]) == (56_000, 2)
    assert all(isinstance(line["amountCents"], int | None) for line in report["lines"])


async def test_totals_per_awarding_body(api, world):
    report = await _report(api, world, "admin")

    totals = {b["awardingBody"]["name"]: b for b in report["awardingBodies"]}
    assert {name: b["amountCents"] for name, b in totals.items()} == {
        "Eesti Keevitusühing": 32_000,
        "Eesti Masinatööstuse Liit": 24_000,
    }
    body_x = totals["Eesti Keevitusühing"]
    assert (
        body_x["exams"],
        body_x["lines"],
        body_x["compensatedParticipants"],
        body_x["linesWithoutRate"],
        body_x["compensatedParticipantsWithoutRate"],
        body_x["invoicedToSchoolParticipants"],
        body_x["notCompensatedParticipants"],
    ) == (4, 5, 5, 2, 2, 4, 1)


async def test_every_line_names_its_rate_and_its_participants(api, world):
    report = await _report(api, world, "admin")

    [first] = [
        line
        for line in report["lines"]
        if line["exam"]["id"] == _exam(world, "C1") and line["examDate"] == "2024-02-20"
    ]
    assert first["rate"]["id"] == to_global_id("CompensationRate", world.rates["jan"].id)
    people = first["participants"]
    expected_ids = {to_global_id("Participant", p.id) for p in world.participants["C1"][:5]}
    assert {p["id"] for p in people} == expected_ids
    assert sorted(
        ((p["fundingCode"], p["result"], p["category"]) for p in people), key=str
    ) == sorted(
        [
            ("R", "PASSED", "COMPENSATED"),
            ("Z", "FAILED", "COMPENSATED"),
            ("M", "PASSED", "INVOICED_TO_SCHOOL"),
            ("R", "ABSENT", "ABSENT"),
            (None, "PASSED", "NOT_COMPENSATED"),
        ],
        key=str,
    )
    compensated = [p for p in people if p["category"] == "COMPENSATED"]
    assert len(compensated) * first["rate"]["amountCents"] == first["amountCents"]


async def test_a_period_of_one_day_takes_only_that_group_date(api, world):
    result = await api.query(
        REPORT,
        {"dateFrom": "2024-03-05", "dateTo": "2024-03-05"},
        as_=world.viewers["admin"],
    )

    [line] = result["data"]["compensation"]["lines"]
    assert (line["exam"]["id"], line["amountCents"]) == (_exam(world, "C1"), 12_000)


@pytest.mark.parametrize(
    ("viewer", "amount", "exams"),
    [
        ("admin", 56_000, {"C1", "C2", "C3", "C4", "C7"}),
        ("body_x", 32_000, {"C1", "C2", "C3", "C4"}),
        ("body_y", 24_000, {"C7"}),
        ("school_a", 32_000, {"C1", "C2", "C3", "C4"}),
        ("school_b", 24_000, {"C7"}),
    ],
)
async def test_each_reporting_role_sees_only_its_own_lines(api, world, viewer, amount, exams):
    report = await _report(api, world, viewer)

    names = {_exam(world, name): name for name in world.exams}
    assert report["amountCents"] == amount
    assert {names[line["exam"]["id"]] for line in report["lines"]} == exams


async def test_an_awarding_body_asking_for_another_body_gets_nothing(api, world):
    other = to_global_id("AwardingBody", world.orgs["body_y"].id)

    report = await _report(api, world, "body_x", body=other)

    assert (report["amountCents"], report["lines"], report["awardingBodies"]) == (0, [], [])


@pytest.mark.parametrize("viewer", ["public", "assessor_x", "chair_x"])
async def test_the_public_assessors_and_chairs_get_no_compensation(api, world, viewer):
    result = await api.query(REPORT, PERIOD, as_=world.viewers[viewer])

    assert result["data"] == {"compensation": None}
    # The public is told to sign in (UNAUTHENTICATED); a signed-in role is FORBIDDEN.
    expected = "UNAUTHENTICATED" if viewer == "public" else "FORBIDDEN"
    assert [e["extensions"]["code"] for e in result["errors"]] == [expected]


async def test_a_reversed_period_is_a_clear_error(api, world):
    result = await api.query(
        REPORT, {"dateFrom": "2024-03-31", "dateTo": "2024-02-01"}, as_=world.viewers["admin"]
    )

    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_participants_of_all_lines_come_in_one_statement(api, world, monkeypatch):
    from models import compensation_report

    calls = []
    original = compensation_report._participant_rows

    async def counted(exam_ids):  # type: ignore[no-untyped-def]
        calls.append(exam_ids)
        return await original(exam_ids)

    monkeypatch.setattr(compensation_report, "_participant_rows", counted)

    await _report(api, world, "admin")

    assert len(calls) == 1


async def test_the_report_costs_the_same_statements_however_many_lines(api, world):
    from app.sqlcount import count_statements
    from tests.compensation.world import make_world

    query = REPORT.replace("participants { id", "participants { participant { id } id")
    token = await api.token_for(*world.viewers["admin"])
    with count_statements() as small:
        await api.query(query, PERIOD, token=token)
    await make_world(with_rates=False)  # every exam and line twice over
    with count_statements() as large:
        result = await api.query(query, PERIOD, token=token)

    assert len(result["data"]["compensation"]["lines"]) == 12
    # auth, report, rates, exams, schools/bodies, standards, curricula, line participants,
    # participant nodes: one each, whatever the number of lines
    assert small[0] == large[0]
