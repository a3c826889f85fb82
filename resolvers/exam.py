"""Exam queries."""

from __future__ import annotations

import strawberry
from tortoise.expressions import Q

from models.access import exam_scope
from models.exam import Exam as ExamRow
from resolvers.ids import pk_of
from resolvers.pagination import empty_connection, keyset_page
from schema.connection import Connection
from schema.exam import EXAM_COLUMNS, Exam, ExamFilter
from schema.info import Info


def _exam_filter(filter: ExamFilter | None) -> Q:
    if filter is None:
        return Q()
    conditions = Q()
    if filter.status:
        conditions &= Q(status__in=[s.value for s in filter.status])
    if filter.curriculum:
        conditions &= Q(curriculum_id=pk_of(filter.curriculum, "Curriculum", argument="curriculum"))
    if filter.standard:
        conditions &= Q(standard_id=pk_of(filter.standard, "Standard", argument="standard"))
    if filter.graduation_from:
        conditions &= Q(graduation_date__gte=filter.graduation_from)
    if filter.graduation_until:
        conditions &= Q(graduation_date__lte=filter.graduation_until)
    return conditions


@strawberry.type
class ExamQuery:
    @strawberry.field(description="Exams the active role may see, newest first.")
    async def exams(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ExamFilter | None = None,
    ) -> Connection[Exam]:
        scope = exam_scope(info.context.viewer)
        if scope is None:
            return empty_connection()
        exams = info.context.loaders.exam.by_id

        def build(row: dict) -> Exam:
            exam = Exam.from_row(row)
            exams.prime(exam.pk, exam)
            return exam

        return await keyset_page(
            ExamRow.filter(scope, _exam_filter(filter)),
            order=["-id"],
            columns={c: c for c in EXAM_COLUMNS},
            first=first,
            after=after,
            build=build,
        )

    @strawberry.field(description="One exam, if the active role may see it.")
    async def exam(self, info: Info, id: strawberry.ID) -> Exam | None:
        pk = pk_of(id, "Exam")
        return await info.context.loaders.exam.by_id.load(pk)
