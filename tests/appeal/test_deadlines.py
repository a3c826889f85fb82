"""Appeal deadlines in calendar days and in Estonian working days, around public holidays."""

from __future__ import annotations

from datetime import date

import pytest

from models.workflow.appeal_deadlines import AppealPeriod, add_working_days, is_working_day


def test_independence_day_and_good_friday_are_not_working_days():
    assert not is_working_day(date(2027, 2, 24))  # Iseseisvuspäev, a Wednesday
    assert not is_working_day(date(2027, 3, 26))  # Suur reede
    assert is_working_day(date(2027, 3, 29))  # Easter Monday is a working day in Estonia


@pytest.mark.parametrize(
    ("announced", "days", "deadline"),
    [
        (date(2027, 2, 23), 1, date(2027, 2, 25)),  # across 24 February
        (date(2027, 3, 25), 1, date(2027, 3, 29)),  # across Good Friday and Easter Sunday
        (date(2027, 2, 19), 3, date(2027, 2, 25)),  # a weekend and 24 February
        (date(2027, 3, 1), 5, date(2027, 3, 8)),  # one plain week
    ],
)
def test_a_period_in_working_days_skips_weekends_and_holidays(announced, days, deadline):
    assert AppealPeriod(days=days, in_working_days=True).filing_deadline(announced) == deadline
    assert add_working_days(announced, days) == deadline


@pytest.mark.parametrize(
    ("announced", "deadline"),
    [
        (date(2027, 3, 1), date(2027, 3, 8)),  # ends on a Monday: as counted
        (date(2027, 2, 17), date(2027, 2, 25)),  # would end on 24 February: next working day
        (date(2027, 3, 19), date(2027, 3, 29)),  # would end on Good Friday: Monday after Easter
        (date(2027, 3, 6), date(2027, 3, 15)),  # would end on a Saturday: the Monday
    ],
)
def test_a_week_in_calendar_days_ends_on_a_working_day(announced, deadline):
    assert AppealPeriod(days=7).filing_deadline(announced) == deadline


def test_the_decision_is_due_a_week_after_registration():
    assert AppealPeriod().decision_due(date(2027, 3, 22)) == date(2027, 3, 29)
