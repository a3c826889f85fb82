"""The register's public figures and the exam statistics of the roles that report."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from models.access import ReportScope, Viewer, report_scope
from models.clock import today
from models.enums import ExamStatus
from models.statistics import Dimension, public_figures
from models.statistics import ExamStatisticsFilter as Filter
from models.statistics import exam_statistics as compute
from resolvers.ids import pk_of
from schema.statistics import ExamStatistics, ExamStatisticsFilter, Statistics


def scope_or_forbidden(viewer: Viewer) -> ReportScope:
    scope = report_scope(viewer)
    if scope is None:
        raise GraphQLError(
            "Sinu rollil pole aruandeid. / Reports are not available to your role.",
            extensions={"code": "FORBIDDEN"},
        )
    return scope


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


async def exam_statistics(
    info: strawberry.Info, f: ExamStatisticsFilter | None, by: list[Dimension]
) -> list[ExamStatistics]:
    scope = scope_or_forbidden(info.context.viewer)
    rows = await compute(scope, statistics_filter(f), tuple(by))
    return [ExamStatistics.of(row) for row in rows]


@strawberry.type
class StatisticsQuery:
    @strawberry.field(
        description="The register's figures: public home-page figures, and exam statistics "
        "for the roles that report."
    )
    async def statistics(self) -> Statistics:
        figures = await public_figures(today())
        return Statistics(
            valid_standards=figures.valid_standards,
            occupational_areas=figures.occupational_areas,
            certificates_issued=figures.certificates_issued,
            certificates_valid=figures.certificates_valid,
            partial_certificates_issued=figures.partial_certificates_issued,
            school_leaving_qualifications=figures.school_leaving_qualifications,
        )
