"""Exam queries."""

from __future__ import annotations

import strawberry
from tortoise.expressions import Q

from models.access import history_scope
from models.audit import AuditEvent as AuditEventRow
from models.exam import Exam as ExamRow
from resolvers.ids import pk_of
from resolvers.pagination import empty_connection, keyset_page
from schema.connection import Connection
from schema.exam import EXAM_COLUMNS, AuditEvent, Exam, ExamFilter
from schema.node import to_global_id
from schema.person import Person


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
        info: strawberry.Info,
        first: int = 20,
        after: str | None = None,
        filter: ExamFilter | None = None,
    ) -> Connection[Exam]:
        scope = info.context.loaders.visible_exams()
        if scope is None:
            return empty_connection()
        loaders = info.context.loaders

        def build(row: dict) -> Exam:
            exam = Exam.from_row(row)
            loaders.exam.prime(exam.pk, exam)
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
    async def exam(self, info: strawberry.Info, id: strawberry.ID) -> Exam | None:
        pk = pk_of(id, "Exam")
        return await info.context.loaders.exam.load(pk)


async def exam_history(
    info: strawberry.Info, exam_pk: int, *, first: int, after: str | None
) -> Connection[AuditEvent]:
    # The exam itself was reached through the row scope; its events are scoped like the
    # groups, participants and protocols they are about (models.access.history_scope).
    viewer = info.context.viewer

    def build(row: dict) -> AuditEvent:
        actor = None
        if row["actor_id"] is not None:
            actor = Person(
                id=to_global_id("Person", row["actor_id"]),
                pk=row["actor_id"],
                first_name=row["actor_first_name"],
                last_name=row["actor_last_name"],
                personal_code=None,
                personal_code_visible=viewer.is_admin or viewer.person_id == row["actor_id"],
            )
        return AuditEvent(
            id=to_global_id("AuditEvent", row["id"]),
            at=row["created_at"],
            actor=actor,
            actor_role=row["actor_role"],
            action=row["action"],
            entity=row["entity"],
            before=row["before"],
            after=row["after"],
        )

    if info.context.loaders.visible_exams() is None:
        return empty_connection()
    return await keyset_page(
        AuditEventRow.filter(history_scope(viewer), exam_id=exam_pk),
        order=["-id"],
        columns={
            "id": "id",
            "created_at": "created_at",
            "actor_id": "actor_id",
            "actor_role": "actor_role",
            "action": "action",
            "entity": "entity",
            "before": "before",
            "after": "after",
            "actor_first_name": "actor__first_name",
            "actor_last_name": "actor__last_name",
        },
        first=first,
        after=after,
        build=build,
    )
