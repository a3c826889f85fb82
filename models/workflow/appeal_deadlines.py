"""Appeal deadlines in calendar days or Estonian working days.

Seed 003 gives a week (calendar days) from the announcement of the commission's decision;
seed 004 one working day from the announcement of the results. A working day is Monday to
Friday and not an Estonian public holiday (the `holidays` package). As in the General Part of
the Civil Code Act (§ 136), a period in calendar days that ends on a day off ends on the next
working day instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays

_ESTONIAN_HOLIDAYS = holidays.country_holidays("EE")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _ESTONIAN_HOLIDAYS


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (`start` itself when `days` is 0)."""
    day = start
    for _ in range(days):
        day = next_working_day(day + timedelta(days=1))
    return day


@dataclass(frozen=True)
class AppealPeriod:
    """An awarding body's setting: `days` after the announcement, counted in working days or
    in calendar days; the decision within `decision_days` calendar days of registration."""

    days: int = 7
    in_working_days: bool = False
    decision_days: int = 7

    def filing_deadline(self, announced_on: date) -> date:
        """The last day an appeal against an announcement of `announced_on` may be filed."""
        if self.in_working_days:
            return add_working_days(announced_on, self.days)
        return next_working_day(announced_on + timedelta(days=self.days))

    def decision_due(self, received_on: date) -> date:
        """The last day the commission should decide an appeal received on `received_on`."""
        return received_on + timedelta(days=self.decision_days)
