"""Who may do what, in which exam states: declared here, checked in one place."""

from __future__ import annotations

from dataclasses import dataclass

from models.access import Viewer
from models.enums import ExamStatus, Role
from models.exam import Exam
from models.workflow.errors import fail

S = ExamStatus
EDITABLE_BY_SCHOOL = frozenset({S.DRAFT, S.RETURNED})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    states: frozenset[ExamStatus]
    to: ExamStatus | None = None


def _rule(
    roles: set[Role], states: set[ExamStatus] | frozenset[ExamStatus], to: ExamStatus | None = None
) -> Rule:
    return Rule(frozenset(roles), frozenset(states), to)


SCHOOL, BODY, ADMIN = Role.SCHOOL, Role.AWARDING_BODY, Role.REGISTRY_ADMIN

RULES: dict[str, Rule] = {
    # The school builds the exam while it is a draft or returned to it.
    "exam.update": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "exam.delete": _rule({SCHOOL}, {S.DRAFT}),
    "exam.participants_add": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "exam.participant_remove": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "group.create": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "group.update": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "group.delete": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "exam.submit": _rule({SCHOOL}, EDITABLE_BY_SCHOOL, to=S.SUBMITTED),
    # The awarding body answers a submitted exam.
    "exam.return": _rule({BODY}, {S.SUBMITTED}, to=S.RETURNED),
    "exam.accept": _rule({BODY}, {S.SUBMITTED}, to=S.ACCEPTED),
    # After accepting, the awarding body sets place and time.
    "group.schedule": _rule({BODY}, {S.ACCEPTED}),
    # Cancelling: the school before the exam is accepted, the awarding body or the registry
    # up to assessment.
    "exam.cancel": _rule(
        {SCHOOL, BODY, ADMIN}, {S.DRAFT, S.SUBMITTED, S.RETURNED, S.ACCEPTED}, to=S.CANCELLED
    ),
}

# Within the roles a rule names, the school acts only on its own exams (and may not cancel
# one the awarding body has accepted); the body only on exams sent to it.


def check(action: str, viewer: Viewer, exam: Exam) -> Rule:
    """The rule for `action` if the viewer may do it to this exam now; raises otherwise."""
    rule = RULES[action]
    if viewer.role not in rule.roles or not _owns(viewer, exam):
        raise fail("FORBIDDEN")
    if exam.status not in rule.states or (
        action == "exam.cancel" and viewer.role is SCHOOL and exam.status is S.ACCEPTED
    ):
        raise fail("INVALID_STATE", status=exam.status.value)
    return rule


def _owns(viewer: Viewer, exam: Exam) -> bool:
    if viewer.role is SCHOOL:
        return exam.school_id == viewer.organisation_id
    if viewer.role is BODY:
        return exam.awarding_body_id == viewer.organisation_id and exam.submitted_at is not None
    return viewer.role is ADMIN
