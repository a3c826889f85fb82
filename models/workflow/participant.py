"""Adding students to an exam and removing them (seed 000)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.access import Viewer
from models.clock import today
from models.curriculum import Curriculum, final_course
from models.eligibility import NOT_ELIGIBLE, eligible_students_filter, ineligibility_reasons
from models.enums import ParticipantKind
from models.events import transaction
from models.participant import Participant
from models.student import Student
from models.workflow.common import audit, exam_for_update, expect_version, group_for_update
from models.workflow.errors import DomainError, fail, problem
from models.workflow.policy import check


async def add_participants(
    viewer: Viewer,
    exam_id: int,
    student_ids: Sequence[int],
    *,
    group_id: int | None = None,
    version: int | None = None,
) -> list[Participant]:
    """Eligible students join the exam (and a group, within its limit), all or none."""
    if not student_ids:
        raise fail("INVALID_INPUT", ["students"], detail="Vali õppurid. / Choose students.")
    async with transaction() as connection:
        exam = await exam_for_update(viewer, exam_id, connection)
        check("exam.participants_add", viewer, exam)
        expect_version(exam.version, version)
        group = await group_for_update(exam, group_id, connection) if group_id else None
        # Locking the students serialises adding one student to two exams at once.
        students = {
            s.id: s
            for s in await Student.filter(id__in=list(student_ids))
            .select_for_update()
            .using_db(connection)
        }
        curriculum = await Curriculum.get(id=exam.curriculum_id, using_db=connection)
        terms: dict[str, Any] = {
            "curriculum_id": exam.curriculum_id,
            "exam_final_course": exam.final_course,
            "nominal_final_course": final_course(
                curriculum.nominal_years, curriculum.nominal_months
            ),
            "today": today(),
        }
        eligible = set(
            await Student.filter(eligible_students_filter(**terms), id__in=list(students))
            .using_db(connection)
            .values_list("id", flat=True)
        )
        refused = [student_id for student_id in student_ids if student_id not in eligible]
        # The filter decides; the reasons only say why, in the filter's own terms.
        reasons = await ineligibility_reasons(refused, connection=connection, **terms)
        problems = [
            problem("NOT_ELIGIBLE", ["students", str(index)], reason=why.en, reason_et=why.et)
            for index, student_id in enumerate(student_ids)
            if student_id not in eligible
            and (why := reasons.get(student_id, NOT_ELIGIBLE)) is not None
        ]
        if problems:
            raise DomainError(problems)
        if group is not None:
            taken = await Participant.filter(group_id=group.id).using_db(connection).count()
            if taken + len(student_ids) > group.limit:
                raise fail(
                    "GROUP_FULL",
                    ["group"],
                    group=group.name,
                    free=group.limit - taken,
                    needed=len(student_ids),
                )
        created = [
            await Participant.create(
                using_db=connection,
                exam_id=exam.id,
                group_id=group.id if group else None,
                person_id=students[student_id].person_id,
                student_id=student_id,
                kind=ParticipantKind.GRADUATE,
                course=students[student_id].course,
                funding_code=students[student_id].funding_code,
                special_needs=students[student_id].special_needs,
                language=students[student_id].language,
            )
            for student_id in student_ids
        ]
        await audit(
            connection,
            viewer,
            action="exam.participants_add",
            exam_id=exam.id,
            # about the group they join, so it is seen by whoever sees that group
            entity="group" if group else "participant",
            entity_id=group.id if group else None,
            before=None,
            after={"participants": [p.id for p in created], "group": group.id if group else None},
        )
    return created


async def remove_participant(
    viewer: Viewer, participant_id: int, *, version: int | None = None
) -> int:
    """The participant leaves; the student is eligible again for a later exam. Returns the
    exam's ID."""
    participant = await Participant.get_or_none(id=participant_id)
    if participant is None:
        raise fail("NOT_FOUND", ["participant"])
    async with transaction() as connection:
        exam = await exam_for_update(viewer, participant.exam_id, connection)
        check("exam.participant_remove", viewer, exam)
        expect_version(participant.version, version)
        deleted = await Participant.filter(id=participant.id).using_db(connection).delete()
        if not deleted:
            raise fail("NOT_FOUND", ["participant"])
        await audit(
            connection,
            viewer,
            action="exam.participant_remove",
            exam_id=exam.id,
            entity="participant",
            entity_id=participant.id,
            before={"student": participant.student_id, "group": participant.group_id},
            after=None,
        )
    return exam.id
