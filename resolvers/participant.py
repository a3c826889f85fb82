"""Participant lists of an exam and the students eligible to join it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry
from tortoise.expressions import Q, Subquery

from models.access import (
    participant_scope,
    sees_eligible_students,
    sees_personal_data_of_participants,
    sees_retaker_candidates,
)
from models.clock import today
from models.curriculum import Curriculum as CurriculumRow
from models.curriculum import final_course
from models.eligibility import (
    eligible_students_filter,
    is_over_time,
    retake_candidates_filter,
)
from models.participant import Participant as ParticipantRow
from models.search import words_in
from models.student import Student
from resolvers.pagination import empty_connection, keyset_page
from schema.connection import Connection
from schema.node import to_global_id
from schema.participant import PARTICIPANT_COLUMNS, EligibleStudent, Participant
from schema.person import Person

if TYPE_CHECKING:
    from schema.exam import Exam

NAME_ORDER = ["person__last_name", "person__first_name", "id"]


def _name_search(search: str | None) -> Q:
    if not search:
        return Q()
    search = search.strip()
    if search.isdigit():
        return Q(person__personal_code__startswith=search)
    return words_in("person__first_name", "person__last_name", search=search)


async def exam_participants(
    info: strawberry.Info, exam_pk: int, *, first: int, after: str | None, search: str | None
) -> Connection[Participant]:
    viewer = info.context.viewer
    visible = sees_personal_data_of_participants(viewer)
    # Searching by personal code is for those who may see personal codes.
    if search and search.strip().isdigit() and not visible:
        return empty_connection()
    return await keyset_page(
        ParticipantRow.filter(participant_scope(viewer), _name_search(search), exam_id=exam_pk),
        order=NAME_ORDER,
        columns=PARTICIPANT_COLUMNS,
        first=first,
        after=after,
        build=lambda row: Participant.from_row(row, visible=visible),
    )


async def eligible_students(
    info: strawberry.Info, exam: Exam, *, first: int, after: str | None, search: str | None
) -> Connection[EligibleStudent]:
    if not sees_eligible_students(info.context.viewer):
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

    def build(row: dict) -> EligibleStudent:
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
        columns={
            "id": "id",
            "course": "course",
            "funding_code": "funding_code",
            "special_needs": "special_needs",
            "person_id": "person_id",
            "person_first_name": "person__first_name",
            "person_last_name": "person__last_name",
            "person_personal_code": "person__personal_code",
        },
        first=first,
        after=after,
        build=build,
    )


async def retaker_candidates(
    info: strawberry.Info, exam: Exam, *, first: int, after: str | None
) -> Connection[Participant]:
    if not sees_retaker_candidates(info.context.viewer):
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
