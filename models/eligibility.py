"""Which EHIS students may be added to an exam (seeds 000 and 001).

Final-course students of the exam's curriculum, and students whose course is above the
nominal duration (a previous period) up to one year after their studies ended, who are not
already in another open exam and have not sat a completed exam of this curriculum (those who
failed come back as retakers, added by the awarding body).
"""

from __future__ import annotations

from datetime import date

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
