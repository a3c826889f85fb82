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
ASSESSOR, CHAIR = Role.ASSESSOR, Role.COMMISSION_CHAIR

RULES: dict[str, Rule] = {
    # The school builds the exam while it is a draft or returned to it.
    "exam.update": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "exam.delete": _rule({SCHOOL}, {S.DRAFT}),
    "exam.participants_add": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "exam.participant_remove": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "group.create": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "group.update": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "group.delete": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "exam.distribute": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "participant.move": _rule({SCHOOL}, EDITABLE_BY_SCHOOL),
    "exam.submit": _rule({SCHOOL}, EDITABLE_BY_SCHOOL, to=S.SUBMITTED),
    # The awarding body answers a submitted exam.
    "exam.return": _rule({BODY}, {S.SUBMITTED}, to=S.RETURNED),
    "exam.accept": _rule({BODY}, {S.SUBMITTED}, to=S.ACCEPTED),
    # After accepting, the awarding body sets place and time.
    "group.schedule": _rule({BODY}, {S.ACCEPTED}),
    "group.committee_set": _rule({BODY}, {S.ACCEPTED}),
    "participant.place": _rule({BODY}, {S.ACCEPTED}),
    "exam.work_world_add": _rule({BODY}, {S.ACCEPTED}),
    "exam.retakers_add": _rule({BODY}, {S.ACCEPTED}),
    # Results: the awarding body, or an assessor of the participant's own group.
    "participant.result": _rule({BODY, ASSESSOR}, {S.ACCEPTED}),
    # Protocols: the awarding body draws them up, the designated people sign them (the
    # operation checks that the viewer is one of the protocol's signers).
    "protocol.create_assessment": _rule({BODY}, {S.ACCEPTED}),
    "protocol.create_commission": _rule({BODY}, {S.ASSESSED}),
    "protocol.sign_assessment": _rule({ASSESSOR, CHAIR}, {S.ACCEPTED}),
    "protocol.sign_commission": _rule({CHAIR}, {S.ASSESSED}),
    # A corrected commission protocol (after an upheld appeal) of a completed exam.
    "protocol.sign_correction": _rule({CHAIR}, {S.COMPLETED}),
    # Cancelling: the school before the exam is accepted, the awarding body or the registry
    # up to assessment.
    "exam.cancel": _rule(
        {SCHOOL, BODY, ADMIN}, {S.DRAFT, S.SUBMITTED, S.RETURNED, S.ACCEPTED}, to=S.CANCELLED
    ),
}

# Within the roles a rule names, the school acts only on its own exams (and may not cancel
# one the awarding body has accepted); the body only on exams sent to it; an
# assessor only where the row scope let them see the exam (their group is checked by the
# operation).


def check(action: str, viewer: Viewer, exam: Exam) -> Rule:
    """The rule for `action` if the viewer may do it to this exam now; raises otherwise."""
    rule = RULES[action]
    if viewer.role not in rule.roles or not _owns(viewer, exam):
        raise fail("FORBIDDEN")
    if exam.status not in rule.states or (
        viewer.role is SCHOOL and exam.status is S.ACCEPTED and action == "exam.cancel"
    ):
        raise fail("INVALID_STATE", status=exam.status.value)
    return rule


def _owns(viewer: Viewer, exam: Exam) -> bool:
    if viewer.role is SCHOOL:
        return exam.school_id == viewer.organisation_id
    if viewer.role in (BODY, CHAIR):
        return exam.awarding_body_id == viewer.organisation_id and exam.submitted_at is not None
    return viewer.role in (ADMIN, ASSESSOR)


# ----- appeals --------------------------------------------------------------------------------
# Who may act on an appeal, by action; None stands for the examinee in their personal view.
# Ownership (the examinee's own participation, the school's own exam, the awarding body's
# own appeal) is checked by `check_appeal`.
APPEAL_RULES: dict[str, frozenset[Role | None]] = {
    "appeal.file": frozenset({None, SCHOOL}),
    "appeal.register_paper": frozenset({BODY}),
    "appeal.withdraw": frozenset({None, SCHOOL}),
    "appeal.review": frozenset({BODY, CHAIR}),
    # The awarding body's qualification commission decides; its chair signs.
    "appeal.decide": frozenset({CHAIR}),
    # After an upheld appeal the awarding body re-records the result or decision.
    "appeal.correct": frozenset({BODY}),
}


def check_appeal(
    action: str, viewer: Viewer, *, exam: Exam, participant_person_id: int, awarding_body_id: int
) -> None:
    """Raises FORBIDDEN unless the viewer may do `action` to an appeal about this exam."""
    if viewer.role not in APPEAL_RULES[action] or viewer.person_id is None:
        raise fail("FORBIDDEN")
    if viewer.role is None:
        allowed = participant_person_id == viewer.person_id
    elif viewer.role is SCHOOL:
        allowed = exam.school_id == viewer.organisation_id
    else:
        allowed = awarding_body_id == viewer.organisation_id
    if not allowed:
        raise fail("FORBIDDEN")
