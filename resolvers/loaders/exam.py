"""Exams within the viewer's scope, and an exam's audit trail."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from strawberry.dataloader import DataLoader

from models.access import Viewer, exam_scope, history_scope, sees_personal_code_of
from models.audit import AuditEvent as AuditEventRow
from models.exam import Exam as ExamRow
from resolvers.loaders.batch import batched, by_key
from resolvers.pagination import empty_connection, keyset_page
from schema.connection import Connection
from schema.exam import EXAM_COLUMNS, AuditEvent, Exam
from schema.node import to_global_id
from schema.person import Person

_HISTORY_COLUMNS = {
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
}


class ExamLoaders:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    @cached_property
    def by_id(self) -> DataLoader[int, Exam | None]:
        async def load(ids: list[int]) -> list[Exam | None]:
            scope = exam_scope(self.viewer)
            if scope is None:
                return [None] * len(ids)
            rows = await ExamRow.filter(scope, id__in=ids).values(*EXAM_COLUMNS)
            return by_key(ids, ((row["id"], Exam.from_row(row)) for row in rows))

        return batched(load)

    async def history(
        self, exam_pk: int, *, first: int, after: str | None
    ) -> Connection[AuditEvent]:
        """A page of the exam's audit trail, newest first. The exam itself was reached
        through the row scope; its events are scoped like the groups, participants and
        protocols they are about (models.access.history_scope)."""
        if exam_scope(self.viewer) is None:
            return empty_connection()
        return await keyset_page(
            AuditEventRow.filter(history_scope(self.viewer), exam_id=exam_pk),
            order=["-id"],
            columns=_HISTORY_COLUMNS,
            first=first,
            after=after,
            build=self._audit_event,
        )

    def _audit_event(self, row: dict[str, Any]) -> AuditEvent:
        actor = None
        if row["actor_id"] is not None:
            actor = Person(
                id=to_global_id("Person", row["actor_id"]),
                pk=row["actor_id"],
                first_name=row["actor_first_name"],
                last_name=row["actor_last_name"],
                personal_code=None,
                personal_code_visible=sees_personal_code_of(self.viewer, row["actor_id"]),
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
