"""Exam statistics for the roles that report."""

from __future__ import annotations

from models.access import Viewer
from models.enums import ExamStatus
from models.statistics import Dimension, exam_statistics
from models.statistics import ExamStatisticsFilter as Filter
from resolvers.ids import pk_of
from resolvers.report_scope import scope_or_forbidden
from schema.statistics import ExamStatistics, ExamStatisticsFilter


def statistics_filter(f: ExamStatisticsFilter | None) -> Filter:
    if f is None:
        return Filter()
    return Filter(
        exam_date_from=f.date_from,
        exam_date_to=f.date_to,
        statuses=tuple(ExamStatus(s) for s in f.status or ()),
        school_id=pk_of(f.school, "School", argument="filter.school"),
        awarding_body_id=pk_of(f.awarding_body, "AwardingBody", argument="filter.awardingBody"),
        standard_id=pk_of(f.standard, "Standard", argument="filter.standard"),
    )


class StatisticsLoaders:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    async def exams(
        self, f: ExamStatisticsFilter | None, by: list[Dimension]
    ) -> list[ExamStatistics]:
        """One row per combination of `by`; FORBIDDEN for roles without a report scope."""
        scope = scope_or_forbidden(self.viewer)
        rows = await exam_statistics(scope, statistics_filter(f), tuple(by))
        return [ExamStatistics.of(row) for row in rows]
