"""Appeal statistics: per awarding body, standard and year, the number of appeals, the share
upheld, the median days to a decision and how many are overdue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import median

from tortoise.expressions import Q

from models.access import ReportScope
from models.appeal import Appeal
from models.clock import today
from models.enums import AppealStatus


@dataclass(frozen=True)
class AppealFigures:
    awarding_body: str
    standard: str
    year: int
    filed: int
    open: int
    decided: int
    upheld: int
    withdrawn: int
    overdue: int
    share_upheld: float | None  # of the decided ones
    median_days_to_decision: float | None  # from received to decided


def _where(scope: ReportScope) -> Q:
    q = Q()
    if scope.school_id is not None:
        q &= Q(exam__school_id=scope.school_id)
    if scope.awarding_body_id is not None:
        q &= Q(awarding_body_id=scope.awarding_body_id)
    return q


async def appeal_figures(
    scope: ReportScope, *, year: int | None = None, on: date | None = None
) -> list[AppealFigures]:
    """The figures within the viewer's report scope (one query), by body, standard, year."""
    day = on or today()
    query = Appeal.filter(_where(scope))
    if year is not None:
        query = query.filter(received_on__gte=date(year, 1, 1), received_on__lte=date(year, 12, 31))
    rows = await query.values(
        "status",
        "received_on",
        "decided_at",
        "decision_due",
        body="awarding_body__name",
        standard="exam__standard__name",
    )
    groups: dict[tuple[str, str, int], list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["body"], row["standard"], row["received_on"].year)].append(row)
    figures = []
    for (body, standard, in_year), members in sorted(groups.items()):
        statuses = [AppealStatus(m["status"]) for m in members]
        decided = [m for m in members if m["decided_at"] is not None]
        upheld = statuses.count(AppealStatus.UPHELD)
        days = [(today(m["decided_at"]) - m["received_on"]).days for m in decided]
        figures.append(
            AppealFigures(
                awarding_body=body,
                standard=standard,
                year=in_year,
                filed=len(members),
                open=sum(1 for s in statuses if s.open),
                decided=len(decided),
                upheld=upheld,
                withdrawn=statuses.count(AppealStatus.WITHDRAWN),
                overdue=sum(
                    1
                    for m, s in zip(members, statuses, strict=True)
                    if s.open and day > m["decision_due"]
                ),
                share_upheld=upheld / len(decided) if decided else None,
                median_days_to_decision=float(median(days)) if days else None,
            )
        )
    return figures
