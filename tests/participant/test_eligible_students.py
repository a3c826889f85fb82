"""Eligible students (seeds 000 and 001): final course, over-time up to a year, not in
another open exam; only the school (and the registry) sees the list."""

from __future__ import annotations

from datetime import timedelta

from models.clock import today
from models.enums import ExamStatus, Role
from schema.node import to_global_id
from tests.factories import (
    create_awarding_body,
    create_curriculum,
    create_exam,
    create_participant,
    create_person,
    create_school,
    create_standard,
    create_student,
    create_user,
)

ELIGIBLE = """
query ($id: ID!) { exam(id: $id) { eligibleStudents(first: 50) {
  totalCount edges { node { course overTime person { lastName personalCode } } }
} } }
"""


async def test_final_course_and_recent_over_time_students_are_eligible(api):
    school, body, standard = (
        await create_school(),
        await create_awarding_body(),
        await create_standard(),
    )
    curriculum = await create_curriculum(school, standard, nominal_years=3)
    user = await create_user(Role.SCHOOL, school)
    exam = await create_exam(
        school=school,
        awarding_body=body,
        standard=standard,
        curriculum=curriculum,
        status=ExamStatus.DRAFT,
        final_course=3,
    )

    async def student(last_name: str, **values):  # type: ignore[no-untyped-def]
        return await create_student(
            curriculum, person=await create_person(last_name=last_name), **values
        )

    await student("Final", course=3)
    await student("Earlier", course=2)
    await student("Overtime", course=4, ends_on=today() - timedelta(days=200))
    await student("Gone", course=4, ends_on=today() - timedelta(days=500))
    await student(
        "Ended",
        course=3,
        studies_ended_on=today() - timedelta(days=400),
        ends_on=today() - timedelta(days=400),
    )
    busy = await student("Busy", course=3)
    other_exam = await create_exam(
        school=school,
        awarding_body=body,
        standard=standard,
        curriculum=curriculum,
        status=ExamStatus.SUBMITTED,
    )
    await create_participant(other_exam, person=await busy.person)
    sat = await student("Sat", course=3)
    completed = await create_exam(
        school=school,
        awarding_body=body,
        standard=standard,
        curriculum=curriculum,
        status=ExamStatus.COMPLETED,
    )
    await create_participant(completed, person=await sat.person)
    other_school = await create_school()
    await create_student(
        await create_curriculum(other_school, standard),
        person=await create_person(last_name="Elsewhere"),
        course=3,
    )

    result = await api.query(
        ELIGIBLE, {"id": to_global_id("Exam", exam.id)}, as_=(user, Role.SCHOOL)
    )

    nodes = [e["node"] for e in result["data"]["exam"]["eligibleStudents"]["edges"]]
    assert [(n["person"]["lastName"], n["course"], n["overTime"]) for n in nodes] == [
        ("Final", 3, False),
        ("Overtime", 4, True),
    ]
    assert all(n["person"]["personalCode"] for n in nodes)


async def test_the_awarding_body_does_not_see_the_schools_eligible_list(api):
    school, body = await create_school(), await create_awarding_body()
    exam = await create_exam(school=school, awarding_body=body)
    await create_student(await exam.curriculum, course=3)
    body_user = await create_user(Role.AWARDING_BODY, body)

    result = await api.query(
        ELIGIBLE, {"id": to_global_id("Exam", exam.id)}, as_=(body_user, Role.AWARDING_BODY)
    )

    assert result["data"]["exam"]["eligibleStudents"] == {"totalCount": 0, "edges": []}
