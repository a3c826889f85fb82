"""Which EHIS students may be added to an exam (seeds 000 and 001).

Final-course students of the exam's curriculum, and students whose course is above the
nominal duration (a previous period) up to one year after their studies ended, who are not
already in another open exam and have not sat a completed exam of this curriculum (those who
failed come back as retakers, added by the awarding body).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.expressions import Q, Subquery

from models.enums import ExamStatus, ParticipantResult
from models.participant import Participant

OPEN_EXAM_STATUSES = (
    ExamStatus.DRAFT,
    ExamStatus.SUBMITTED,
    ExamStatus.RETURNED,
    ExamStatus.ACCEPTED,
    ExamStatus.ASSESSED,
)


def one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def eligible_students_filter(
    *, curriculum_id: int, exam_final_course: int, nominal_final_course: int, today: date
) -> Q:
    cutoff = one_year_before(today)
    in_course = Q(course=exam_final_course) | Q(
        course__gt=nominal_final_course, ends_on__gte=cutoff
    )
    not_long_gone = Q(studies_ended_on__isnull=True) | Q(studies_ended_on__gte=cutoff)
    in_open_exam = Participant.filter(exam__status__in=OPEN_EXAM_STATUSES).values("person_id")
    sat_before = Participant.filter(
        exam__status=ExamStatus.COMPLETED, exam__curriculum_id=curriculum_id
    ).values("person_id")
    return Q(
        in_course,
        not_long_gone,
        Q(curriculum_id=curriculum_id),
        ~Q(person_id__in=Subquery(in_open_exam)),
        ~Q(person_id__in=Subquery(sat_before)),
    )


@dataclass(frozen=True)
class Reason:
    """Why a student may not join an exam, in Estonian and English."""

    et: str
    en: str


NOT_ELIGIBLE = Reason("ei vasta eksamile lubamise tingimustele", "does not meet the conditions")
NOT_A_STUDENT = Reason("sellist õppurit pole", "no such student")
OTHER_CURRICULUM = Reason("õpib teisel õppekaval", "studies on another curriculum")
STUDIES_ENDED = Reason("õpingud lõppesid üle aasta tagasi", "studies ended over a year ago")
NOT_FINAL_COURSE = Reason("ei ole lõpukursusel", "not on the final course")
IN_OPEN_EXAM = Reason("on juba avatud eksamil", "already in an open exam")
SAT_BEFORE = Reason(
    "on selle õppekava eksami juba teinud (korduseksamile lisab kutse andja)",
    "already sat this curriculum's exam (the awarding body adds retakers)",
)


async def ineligibility_reasons(
    student_ids: Sequence[int],
    *,
    curriculum_id: int,
    exam_final_course: int,
    nominal_final_course: int,
    today: date,
    connection: Any = None,
) -> dict[int, Reason]:
    """The first reason each of these students fails `eligible_students_filter`, checked in
    the same terms; a student who passes it has no entry."""
    from models.student import Student

    cutoff = one_year_before(today)
    students = {
        s.id: s for s in await Student.filter(id__in=list(student_ids)).using_db(connection)
    }
    persons = [s.person_id for s in students.values()]
    in_open_exam = set(
        await Participant.filter(exam__status__in=OPEN_EXAM_STATUSES, person_id__in=persons)
        .using_db(connection)
        .values_list("person_id", flat=True)
    )
    sat_before = set(
        await Participant.filter(
            exam__status=ExamStatus.COMPLETED,
            exam__curriculum_id=curriculum_id,
            person_id__in=persons,
        )
        .using_db(connection)
        .values_list("person_id", flat=True)
    )
    reasons: dict[int, Reason] = {}
    for student_id in student_ids:
        student = students.get(student_id)
        if student is None:
            reasons[student_id] = NOT_A_STUDENT
        elif student.curriculum_id != curriculum_id:  # type: ignore[attr-defined]
            reasons[student_id] = OTHER_CURRICULUM
        elif student.studies_ended_on is not None and student.studies_ended_on < cutoff:
            reasons[student_id] = STUDIES_ENDED
        elif student.course != exam_final_course and not (
            student.course > nominal_final_course and student.ends_on >= cutoff
        ):
            reasons[student_id] = NOT_FINAL_COURSE
        elif student.person_id in in_open_exam:  # type: ignore[attr-defined]
            reasons[student_id] = IN_OPEN_EXAM
        elif student.person_id in sat_before:  # type: ignore[attr-defined]
            reasons[student_id] = SAT_BEFORE
    return reasons


def is_over_time(course: int, nominal_final_course: int) -> bool:
    return course > nominal_final_course


def retake_candidates_filter(
    *, standard_id: int, awarding_body_id: int, exam_id: int, today: date
) -> Q:
    """Earlier participations that may come back as retakers: a failed, absent or partial
    result in an assessed or completed exam of the same standard within a year, at the same
    awarding body (another body's exams and their participants are not this body's to see)."""
    return Q(
        result__in=(
            ParticipantResult.FAILED,
            ParticipantResult.ABSENT,
            ParticipantResult.PARTIALLY_PASSED,
        ),
        exam__standard_id=standard_id,
        exam__awarding_body_id=awarding_body_id,
        exam__status__in=(ExamStatus.ASSESSED, ExamStatus.COMPLETED),
        exam__graduation_date__gte=one_year_before(today),
    ) & ~Q(exam_id=exam_id)
