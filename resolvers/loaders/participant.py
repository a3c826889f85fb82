"""Participants within the viewer's scope: by ID, by group, an exam's list page, and the
students and earlier participants who could join an exam."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise.expressions import Q, Subquery

from models.access import (
    Viewer,
    may_list_eligible_students,
    may_list_retaker_candidates,
    participant_scope,
    sees_personal_data_of_participants,
    visible_participants,
)
from models.clock import today
from models.curriculum import Curriculum as CurriculumRow
from models.curriculum import final_course
from models.eligibility import eligible_students_filter, is_over_time, retake_candidates_filter
from models.participant import Participant as ParticipantRow
from models.search import words_in
from models.student import Student
from resolvers.loaders.batch import batched, by_key, grouped
from resolvers.loaders.person import PERSON_COLUMNS
from resolvers.pagination import empty_connection, keyset_page
from resolvers.sql import KeyedSelect
from schema.connection import Connection
from schema.exam import Exam
from schema.node import to_global_id
from schema.participant import PARTICIPANT_COLUMNS, EligibleStudent, Participant
from schema.person import Person

PARTICIPANTS_BY_GROUP = KeyedSelect(
    "SELECT p.id, p.exam_id, p.group_id, p.kind, p.course, p.funding_code, p.special_needs, "
    f"p.result, p.score, p.language, p.version, p.person_id, {PERSON_COLUMNS} "
    "FROM participant p JOIN person pe ON pe.id = p.person_id "
    "WHERE p.group_id {keys} ORDER BY pe.last_name, pe.first_name, p.id",
    sqlite_types={"special_needs": (ParticipantRow, "special_needs")},
)
NAME_ORDER = ["person__last_name", "person__first_name", "id"]
_STUDENT_COLUMNS = {
    "id": "id",
    "course": "course",
    "funding_code": "funding_code",
    "special_needs": "special_needs",
    "person_id": "person_id",
    "person_first_name": "person__first_name",
    "person_last_name": "person__last_name",
    "person_personal_code": "person__personal_code",
}


def _name_search(search: str | None) -> Q:
    if not search:
        return Q()
    search = search.strip()
    if search.isdigit():
        return Q(person__personal_code__startswith=search)
    return words_in("person__first_name", "person__last_name", search=search)


class ParticipantLoaders:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    @cached_property
    def by_id(self) -> DataLoader[int, Participant | None]:
        async def load(ids: list[int]) -> list[Participant | None]:
            scope = visible_participants(self.viewer)
            if scope is None:
                return [None] * len(ids)
            rows = await ParticipantRow.filter(scope, id__in=ids).values(**PARTICIPANT_COLUMNS)
            visible = sees_personal_data_of_participants(self.viewer)
            return by_key(
                ids, ((row["id"], Participant.from_row(row, visible=visible)) for row in rows)
            )

        return batched(load)

    @cached_property
    def by_group(self) -> DataLoader[int, list[Participant]]:
        """Only reached from a group the viewer may see."""

        async def load(group_ids: list[int]) -> list[list[Participant]]:
            rows = await PARTICIPANTS_BY_GROUP.fetch(group_ids)
            visible = sees_personal_data_of_participants(self.viewer)
            return grouped(
                group_ids,
                ((row["group_id"], Participant.from_row(row, visible=visible)) for row in rows),
            )

        return batched(load)

    async def of_exam(
        self, exam_pk: int, *, first: int, after: str | None, search: str | None
    ) -> Connection[Participant]:
        """A page of an exam's participants by name (the exam was reached through its scope)."""
        visible = sees_personal_data_of_participants(self.viewer)
        # Searching by personal code is for those who may see personal codes.
        if search and search.strip().isdigit() and not visible:
            return empty_connection()
        return await keyset_page(
            ParticipantRow.filter(
                participant_scope(self.viewer), _name_search(search), exam_id=exam_pk
            ),
            order=NAME_ORDER,
            columns=PARTICIPANT_COLUMNS,
            first=first,
            after=after,
            build=lambda row: Participant.from_row(row, visible=visible),
        )

    async def eligible_students(
        self, exam: Exam, *, first: int, after: str | None, search: str | None
    ) -> Connection[EligibleStudent]:
        """A page of the EHIS students who may be added to `exam`, by name."""
        if not may_list_eligible_students(self.viewer):
            return empty_connection()
        curriculum = await CurriculumRow.get(id=exam.curriculum_id).values(
            "nominal_years", "nominal_months"
        )
        nominal_final = final_course(curriculum["nominal_years"], curriculum["nominal_months"])
        condition = eligible_students_filter(
            curriculum_id=exam.curriculum_id,
            exam_final_course=exam.final_course,
            nominal_final_course=nominal_final,
            today=today(),
        )

        def build(row: dict[str, Any]) -> EligibleStudent:
            return EligibleStudent(
                id=to_global_id("Student", row["id"]),
                person=Person.from_row(row, prefix="person_", code_visible=True),
                course=row["course"],
                over_time=is_over_time(row["course"], nominal_final),
                funding_code=row["funding_code"],
                special_needs=row["special_needs"],
            )

        return await keyset_page(
            Student.filter(condition, _name_search(search)),
            order=NAME_ORDER,
            columns=_STUDENT_COLUMNS,
            first=first,
            after=after,
            build=build,
        )

    async def retaker_candidates(
        self, exam: Exam, *, first: int, after: str | None
    ) -> Connection[Participant]:
        """A page of earlier participations that may come back to `exam` as retakers."""
        if not may_list_retaker_candidates(self.viewer):
            return empty_connection()
        condition = retake_candidates_filter(
            standard_id=exam.standard_id,
            awarding_body_id=exam.awarding_body_id,
            exam_id=exam.pk,
            today=today(),
        )
        in_this_exam = ParticipantRow.filter(exam_id=exam.pk).values("person_id")
        return await keyset_page(
            ParticipantRow.filter(condition, ~Q(person_id__in=Subquery(in_this_exam))),
            order=NAME_ORDER,
            columns=PARTICIPANT_COLUMNS,
            first=first,
            after=after,
            build=lambda row: Participant.from_row(row, visible=True),
        )
