"""Creating an exam and moving it through its states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError

from models.access import Viewer
from models.clock import now, today
from models.curriculum import Curriculum, CurriculumStandard, final_course
from models.eligibility import eligible_students_filter
from models.enums import ExamStatus, ExamType, Role
from models.events import transaction
from models.exam import Exam
from models.notification import ExamEvent, raise_exam_event
from models.person import RoleAssignment
from models.standard import Standard, StandardAwardingBody, standard_status
from models.student import Student
from models.workflow import checks, dates
from models.workflow.common import audit, bump, changed, exam_for_update
from models.workflow.errors import DomainError, Problem, fail, problem
from models.workflow.policy import check

LANGUAGES = ("et", "ru", "en")
_EVENTS = {"exam.submit": ExamEvent.SUBMITTED, "exam.return": ExamEvent.RETURNED}


@dataclass(frozen=True)
class ExamDraft:
    curriculum_id: int
    standard_id: int
    graduation_date: date
    final_course: int
    responsible_id: int
    language: str = "et"
    awarding_body_id: int | None = None
    comment: str | None = None
    exam_type: ExamType = ExamType.COMBINED


async def _validate_fields(viewer: Viewer, values: dict[str, Any]) -> list[Problem]:
    problems = []
    if "graduation_date" in values:
        problems += dates.past(values["graduation_date"], ["graduationDate"], today())
    if "language" in values and values["language"] not in LANGUAGES:
        problems.append(
            problem("INVALID_INPUT", ["language"], detail="Keel: et, ru või en. / Language.")
        )
    if "final_course" in values and not 1 <= values["final_course"] <= 10:
        problems.append(
            problem("INVALID_INPUT", ["finalCourse"], detail="Kursus 1–10. / Course 1 to 10.")
        )
    if "responsible_id" in values and not await RoleAssignment.exists(
        person_id=values["responsible_id"], role=Role.SCHOOL, organisation_id=viewer.organisation_id
    ):
        problems.append(
            problem(
                "INVALID_INPUT",
                ["responsible"],
                detail="Vastutaja peab olema selle kooli kasutaja. / "
                "The responsible person must be a user of this school.",
            )
        )
    return problems


async def create_exam(viewer: Viewer, draft: ExamDraft) -> Exam:
    if viewer.role is not Role.SCHOOL:
        raise fail("FORBIDDEN")
    curriculum = await Curriculum.get_or_none(
        id=draft.curriculum_id, school_id=viewer.organisation_id
    )
    standard = await Standard.get_or_none(id=draft.standard_id)
    if curriculum is None:
        raise fail("NOT_FOUND", ["curriculum"])
    if standard is None:
        raise fail("NOT_FOUND", ["standard"])
    if not await CurriculumStandard.exists(curriculum=curriculum, standard=standard):
        raise fail("NOT_LINKED", ["standard"])
    bodies = await StandardAwardingBody.filter(standard=standard).values_list(
        "awarding_body_id", flat=True
    )
    awarding_body_id = draft.awarding_body_id or (bodies[0] if len(bodies) == 1 else None)
    if not bodies:
        raise fail("NOT_LINKED", ["standard"])
    if awarding_body_id not in bodies:
        raise fail(
            "INVALID_INPUT",
            ["awardingBody"],
            detail="Vali üks selle standardi kutse andjatest. / "
            "Choose one of the awarding bodies of this standard.",
        )
    problems = await _validate_fields(
        viewer,
        {
            "graduation_date": draft.graduation_date,
            "language": draft.language,
            "final_course": draft.final_course,
            "responsible_id": draft.responsible_id,
        },
    )
    if problems:
        raise DomainError(problems)
    await _check_students(curriculum, standard, draft.final_course)
    async with transaction() as connection:
        exam = await Exam.create(
            using_db=connection,
            school_id=viewer.organisation_id,
            awarding_body_id=awarding_body_id,
            curriculum=curriculum,
            standard=standard,
            graduation_date=draft.graduation_date,
            language=draft.language,
            final_course=draft.final_course,
            responsible_id=draft.responsible_id,
            created_by_id=viewer.person_id,
            comment=draft.comment,
            exam_type=draft.exam_type,
            status=ExamStatus.DRAFT,
        )
        await audit(
            connection,
            viewer,
            action="exam.create",
            exam_id=exam.id,
            entity="exam",
            entity_id=exam.id,
            before=None,
            after={
                "status": exam.status,
                "curriculum": curriculum.ehis_code,
                "standard": standard.id,
                "graduation_date": draft.graduation_date,
                "exam_type": draft.exam_type,
            },
        )
    return exam


async def _check_students(curriculum: Curriculum, standard: Standard, exam_course: int) -> None:
    """The curriculum has eligible students; an expired standard only for those who studied
    under it, while awarding under it is still allowed (seed 000)."""
    day = today()
    eligible = Student.filter(
        eligible_students_filter(
            curriculum_id=curriculum.id,
            exam_final_course=exam_course,
            nominal_final_course=final_course(curriculum.nominal_years, curriculum.nominal_months),
            today=day,
        )
    )
    if standard_status(standard.valid_from, standard.valid_until, day).value == "EXPIRED":
        if standard.awarding_allowed_until is None or standard.awarding_allowed_until < day:
            raise fail(
                "NOT_ELIGIBLE",
                ["standard"],
                reason="the standard has expired",
                reason_et="kutsestandard on aegunud",
            )
        eligible = eligible.filter(standard_id=standard.id)
    if not await eligible.exists():
        raise fail(
            "NOT_ELIGIBLE",
            ["curriculum"],
            reason="no student can take it",
            reason_et="ükski õppur ei saa seda teha",
        )


async def update_exam(viewer: Viewer, exam_id: int, version: int, changes: dict[str, Any]) -> Exam:
    problems = await _validate_fields(viewer, changes)
    if problems:
        raise DomainError(problems)
    async with transaction() as connection:
        exam = await exam_for_update(viewer, exam_id, connection)
        check("exam.update", viewer, exam)
        before, after = changed(exam, changes)
        await bump(Exam, exam.id, version, connection, **changes)
        await audit(
            connection,
            viewer,
            action="exam.update",
            exam_id=exam.id,
            entity="exam",
            entity_id=exam.id,
            before=before,
            after=after,
        )
    return await Exam.get(id=exam_id)


async def delete_exam(viewer: Viewer, exam_id: int, version: int) -> None:
    async with transaction() as connection:
        exam = await exam_for_update(viewer, exam_id, connection)
        check("exam.delete", viewer, exam)
        await bump(Exam, exam.id, version, connection)
        # A draft never left the school: its own history goes with it, this record stays.
        await audit(
            connection,
            viewer,
            action="exam.delete",
            exam_id=None,
            entity="exam",
            entity_id=exam.id,
            before={"status": exam.status},
            after=None,
        )
        await Exam.filter(id=exam.id).using_db(connection).delete()


async def _transition(
    viewer: Viewer, exam_id: int, version: int, action: str, **changes: Any
) -> tuple[Exam, list[Problem]]:
    warnings: list[Problem] = []
    async with transaction() as connection:
        exam = await exam_for_update(viewer, exam_id, connection)
        rule = check(action, viewer, exam)
        if action == "exam.submit":
            if exam.version != version:
                raise fail("STALE_VERSION", ["version"])
            warnings = await checks.before_submit(exam, connection)
        elif action == "exam.accept":
            warnings = await checks.before_accept(exam, connection)
        assert rule.to is not None
        before = {"status": exam.status, **{key: getattr(exam, key) for key in changes}}
        await bump(Exam, exam.id, version, connection, status=rule.to, **changes)
        await audit(
            connection,
            viewer,
            action=action,
            exam_id=exam.id,
            entity="exam",
            entity_id=exam.id,
            before=before,
            after={"status": rule.to, **changes},
        )
        # The notification is written in the same transaction as the change (the outbox).
        if (event := _EVENTS.get(action)) is not None:
            await raise_exam_event(
                event, exam, connection=connection, reason=changes.get("return_reason")
            )
    return await Exam.get(id=exam_id), warnings


async def submit_exam(viewer: Viewer, exam_id: int, version: int) -> tuple[Exam, list[Problem]]:
    return await _transition(
        viewer, exam_id, version, "exam.submit", submitted_at=now(), return_reason=None
    )


async def return_exam(viewer: Viewer, exam_id: int, version: int, reason: str) -> Exam:
    if not reason or not reason.strip():
        raise fail("REASON_REQUIRED", ["reason"])
    exam, _ = await _transition(
        viewer, exam_id, version, "exam.return", return_reason=reason.strip()
    )
    return exam


async def accept_exam(viewer: Viewer, exam_id: int, version: int) -> tuple[Exam, list[Problem]]:
    return await _transition(viewer, exam_id, version, "exam.accept", accepted_at=now())


async def cancel_exam(viewer: Viewer, exam_id: int, version: int, reason: str) -> Exam:
    if not reason or not reason.strip():
        raise fail("REASON_REQUIRED", ["reason"])
    exam, _ = await _transition(viewer, exam_id, version, "exam.cancel", cancelled_at=now())
    return exam


__all__ = [
    "ExamDraft",
    "IntegrityError",
    "accept_exam",
    "cancel_exam",
    "create_exam",
    "delete_exam",
    "return_exam",
    "submit_exam",
    "update_exam",
]
