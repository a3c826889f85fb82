"""Compensation of exam costs: the rate table (read by the roles that report, kept by the
registry admin) and the report for a period."""

from __future__ import annotations

from datetime import date
from itertools import zip_longest
from typing import Annotated

import strawberry
from graphql import GraphQLError

from models.compensation import CompensationRate as RateRow
from models.compensation_report import compensation_report
from models.enums import ExamType
from models.workflow import compensation as workflow
from resolvers.ids import pk_of
from resolvers.mutations import attempt
from resolvers.report_scope import scope_or_forbidden
from schema.compensation import (
    LINES_COST_BOUND,
    RATE_COLUMNS,
    CompensationBodyTotal,
    CompensationLine,
    CompensationRate,
    CompensationRateInput,
    CompensationRatePayload,
    CompensationRateSupersedeInput,
    CompensationReport,
)
from schema.info import Info
from schema.limits import column


def check_period(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise GraphQLError(
            "`dateFrom` must not be after `dateTo`", extensions={"code": "BAD_USER_INPUT"}
        )


async def _rates(
    curriculum_group: str | None = None, exam_type: ExamType | None = None
) -> list[CompensationRate]:
    query = RateRow.all()
    if curriculum_group is not None:
        query = query.filter(curriculum_group=curriculum_group)
    if exam_type is not None:
        query = query.filter(exam_type=exam_type)
    rows = await query.order_by("curriculum_group", "exam_type", "valid_from", "id").values(
        *RATE_COLUMNS
    )
    rates = []
    # each rate with the next one of the table (None after the last; no pair for no rates)
    for row, following in zip_longest(rows, rows[1:]):
        superseded_from = None
        if following is not None and (following["curriculum_group"], following["exam_type"]) == (
            row["curriculum_group"],
            row["exam_type"],
        ):
            superseded_from = following["valid_from"]
        rates.append(CompensationRate.from_row(row, superseded_from))
    return rates


@strawberry.type
class CompensationQuery:
    @strawberry.field(
        description="The compensation rate table, by group, type and date. For the registry, "
        "awarding bodies and schools; null with a FORBIDDEN error for other roles.",
        metadata={"cost_bound": LINES_COST_BOUND},
    )
    async def compensation_rates(
        self,
        info: Info,
        curriculum_group: Annotated[
            str | None,
            strawberry.argument(
                description="Only this curriculum group.",
                metadata=column(RateRow, "curriculum_group"),
            ),
        ] = None,
        exam_type: Annotated[
            ExamType | None, strawberry.argument(description="Only this exam type.")
        ] = None,
    ) -> list[CompensationRate] | None:
        scope_or_forbidden(info.context.viewer)
        return await _rates(curriculum_group, exam_type)

    @strawberry.field(
        description="Compensation of exam costs for a period (inclusive): the registry sees "
        "every awarding body, an awarding body its own exams, a school its own exams; null "
        "with a FORBIDDEN error for other roles."
    )
    async def compensation(
        self,
        info: Info,
        date_from: Annotated[date, strawberry.argument(description="First day of the period.")],
        date_to: Annotated[date, strawberry.argument(description="Last day of the period.")],
        awarding_body: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this awarding body.")
        ] = None,
    ) -> CompensationReport | None:
        scope = scope_or_forbidden(info.context.viewer)
        check_period(date_from, date_to)
        report = await compensation_report(
            scope,
            date_from,
            date_to,
            awarding_body_id=pk_of(awarding_body, "AwardingBody", argument="awardingBody"),
        )
        return CompensationReport(
            date_from=report.period_from,
            date_to=report.period_to,
            amount_cents=report.amount_cents,
            lines_without_rate=report.lines_without_rate,
            awarding_bodies=[CompensationBodyTotal.of(b) for b in report.bodies],
            lines=[CompensationLine.of(line) for line in report.lines],
        )


async def _payload(rate: RateRow | None, errors: list) -> CompensationRatePayload:
    if rate is None:
        return CompensationRatePayload(rate=None, user_errors=errors)
    row = await RateRow.filter(id=rate.id).values(*RATE_COLUMNS)
    return CompensationRatePayload(rate=CompensationRate.from_row(row[0]), user_errors=errors)


@strawberry.type
class CompensationMutation:
    @strawberry.mutation(
        description="The registry admin adds a compensation rate. A rate of the same group "
        "and type from an earlier day stays in force until this one starts."
    )
    async def compensation_rate_add(
        self,
        info: Info,
        input: Annotated[CompensationRateInput, strawberry.argument(description="The rate.")],
    ) -> CompensationRatePayload:
        rate, errors = await attempt(
            workflow.add_rate(
                info.context.viewer,
                workflow.RateInput(
                    curriculum_group=input.curriculum_group,
                    exam_type=ExamType(input.exam_type),
                    valid_from=input.valid_from,
                    amount_cents=input.amount_cents,
                    basis=input.basis,
                ),
            )
        )
        return await _payload(rate, errors)

    @strawberry.mutation(
        description="The registry admin replaces a rate from a later day; the old one stays "
        "in force before that day, so earlier figures do not change."
    )
    async def compensation_rate_supersede(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The rate to replace.")],
        input: Annotated[
            CompensationRateSupersedeInput, strawberry.argument(description="The new rate.")
        ],
    ) -> CompensationRatePayload:
        rate, errors = await attempt(
            workflow.supersede_rate(
                info.context.viewer,
                pk_of(id, "CompensationRate"),
                input.valid_from,
                input.amount_cents,
                input.basis,
            )
        )
        return await _payload(rate, errors)
