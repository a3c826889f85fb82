"""Who may see what: the viewer and the row scopes, declared in this one place.

A row scope is a filter that keeps only the rows the viewer's active role may see. Resolvers
and loaders apply these filters; they never test roles themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tortoise.expressions import Q, Subquery

from models.enums import Role
from models.exam import Exam
from models.group import CommitteeMember
from models.participant import Participant
from models.protocol import Protocol


@dataclass(frozen=True)
class Viewer:
    """The signed-in person and the role they act in; all None for the public."""

    person_id: int | None = None
    role: Role | None = None
    organisation_id: int | None = None

    @property
    def is_public(self) -> bool:
        return self.person_id is None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.REGISTRY_ADMIN


PUBLIC = Viewer()

# The exam is "sent to" an awarding body once it has been submitted (returned and cancelled
# exams that were submitted stay visible to it; drafts never are).
_SENT = Q(submitted_at__not_isnull=True)


@dataclass(frozen=True)
class ExamVisibility:
    """What a role's row scope is made of: the one declaration of who sees which exams,
    groups, participants and protocols. `exam_scope` and its siblings render it as Tortoise
    filters for the ORM path; `scope_sql` renders the same rule as SQL predicates for the
    compiled read path (resolvers/compiled)."""

    everything: bool = False
    school_id: int | None = None
    awarding_body_id: int | None = None
    # Only exams that were sent (submitted) to the awarding body: never a school's draft.
    sent_only: bool = False
    # An assessor: only the exams, groups and protocols of this person's committees.
    committee_person_id: int | None = None


def exam_visibility(viewer: Viewer) -> ExamVisibility | None:
    """The viewer's row scope, or None when they may see no exams at all (the public)."""
    match viewer.role:
        case Role.REGISTRY_ADMIN:
            return ExamVisibility(everything=True)
        case Role.SCHOOL:
            return ExamVisibility(school_id=viewer.organisation_id)
        case Role.AWARDING_BODY | Role.COMMISSION_CHAIR:
            return ExamVisibility(awarding_body_id=viewer.organisation_id, sent_only=True)
        case Role.ASSESSOR:
            return ExamVisibility(sent_only=True, committee_person_id=viewer.person_id)
        case _:
            return None


def exam_scope(viewer: Viewer) -> Q | None:
    """The exams the viewer may see, or None when they may see none."""
    visibility = exam_visibility(viewer)
    if visibility is None:
        return None
    scope = Q()
    if visibility.sent_only:
        scope &= _SENT
    if visibility.school_id is not None:
        scope &= Q(school_id=visibility.school_id)
    if visibility.awarding_body_id is not None:
        scope &= Q(awarding_body_id=visibility.awarding_body_id)
    if visibility.committee_person_id is not None:
        scope &= Q(id__in=Subquery(assessed_groups(viewer).values("group__exam_id")))
    return scope


def group_scope(viewer: Viewer) -> Q:
    """Extra filter on the groups of a visible exam: an assessor sees only their committees'."""
    visibility = exam_visibility(viewer)
    if visibility is not None and visibility.committee_person_id is not None:
        return Q(id__in=Subquery(assessed_groups(viewer).values("group_id")))
    return Q()


def participant_scope(viewer: Viewer) -> Q:
    """Extra filter on the participants of a visible exam (an assessor: their groups only)."""
    visibility = exam_visibility(viewer)
    if visibility is not None and visibility.committee_person_id is not None:
        return Q(group_id__in=Subquery(assessed_groups(viewer).values("group_id")))
    return Q()


def protocol_scope(viewer: Viewer) -> Q:
    """Extra filter on the protocols of a visible exam: an assessor sees only their groups'
    assessment protocols, never the commission protocol (which belongs to no group)."""
    visibility = exam_visibility(viewer)
    if visibility is not None and visibility.committee_person_id is not None:
        return Q(group_id__in=Subquery(assessed_groups(viewer).values("group_id")))
    return Q()


def history_scope(viewer: Viewer) -> Q:
    """Extra filter on the audit events of a visible exam: an event is seen by whoever sees
    what it is about (its ``entity`` and ``entity_id``).

    Every role that sees an exam sees all its groups, participants and protocols, and so all
    its history, except the assessor: the exam-level events, and those of their committees'
    groups, of those groups' participants and of those groups' assessment protocols. An event
    about several groups' participants is written once per group (``models.workflow``).
    """
    if viewer.role is not Role.ASSESSOR:
        return Q()
    groups = Subquery(assessed_groups(viewer).values("group_id"))
    participants = Subquery(Participant.filter(group_id__in=groups).values("id"))
    protocols = Subquery(Protocol.filter(group_id__in=groups).values("id"))
    return Q(
        Q(entity="exam"),
        Q(entity="group", entity_id__in=groups),
        Q(entity="participant", entity_id__in=participants),
        Q(entity="protocol", entity_id__in=protocols),
        join_type="OR",
    )


def assessed_groups(viewer: Viewer):  # type: ignore[no-untyped-def]
    return CommitteeMember.filter(person_id=viewer.person_id)


def visible_groups(viewer: Viewer) -> Q | None:
    """Groups of the exams the viewer sees (an assessor: their committees'), or None."""
    scope = exam_scope(viewer)
    if scope is None:
        return None
    return Q(exam_id__in=_visible_exam_ids(scope)) & group_scope(viewer)


def visible_participants(viewer: Viewer) -> Q | None:
    """Participants of the exams the viewer sees (an assessor: their groups'), or None."""
    scope = exam_scope(viewer)
    if scope is None:
        return None
    return Q(exam_id__in=_visible_exam_ids(scope)) & participant_scope(viewer)


def visible_protocols(viewer: Viewer) -> Q | None:
    """Protocols of the exams the viewer sees (an assessor: their groups'), or None."""
    scope = exam_scope(viewer)
    if scope is None:
        return None
    return Q(exam_id__in=_visible_exam_ids(scope)) & protocol_scope(viewer)


def _visible_exam_ids(scope: Q) -> Subquery:
    return Subquery(Exam.filter(scope).values("id"))


@dataclass(frozen=True)
class ScopeSql:
    """`ExamVisibility` as SQL predicates over table aliases, for the compiled read path.

    `bind(name)` returns the placeholder of a parameter whose value is the attribute `name`
    of the request's `ExamVisibility`, so one statement serves every viewer of a role."""

    exam: str
    group_of_exam: str
    participant_of_exam: str
    protocol_of_exam: str


def scope_sql(visibility: ExamVisibility, bind: Callable[[str], str]) -> ScopeSql:
    """The row scopes as SQL templates: `{t}` stands for the row's table alias."""
    exam: list[str] = []
    if visibility.sent_only:
        exam.append("{t}.submitted_at IS NOT NULL")
    if visibility.school_id is not None:
        exam.append(f"{{t}}.school_id = {bind('school_id')}")
    if visibility.awarding_body_id is not None:
        exam.append(f"{{t}}.awarding_body_id = {bind('awarding_body_id')}")
    committee_groups = "TRUE"
    if visibility.committee_person_id is not None:
        committee = (
            "SELECT cm.group_id FROM committee_member cm "
            f"WHERE cm.person_id = {bind('committee_person_id')}"
        )
        exam.append(f"{{t}}.id IN (SELECT g.exam_id FROM exam_group g WHERE g.id IN ({committee}))")
        committee_groups = f"{{t}}.{{column}} IN ({committee})"
    return ScopeSql(
        exam=" AND ".join(exam) or "TRUE",
        group_of_exam=committee_groups.replace("{column}", "id"),
        participant_of_exam=committee_groups.replace("{column}", "group_id"),
        protocol_of_exam=committee_groups.replace("{column}", "group_id"),
    )


def sees_personal_data_of_participants(viewer: Viewer) -> bool:
    """Personal codes, funding codes, special needs and results of an exam's participants.

    Only roles that work on the exam see them; the row scopes already keep every other exam
    out of reach, so this is true for every role that can see a participant at all and false
    for the public. It is still checked on each guarded field, so a new path to a
    participant cannot leak them.
    """
    return viewer.role is not None


def sees_personal_codes_of_others(viewer: Viewer) -> bool:
    """Outside an exam's participant list, the registry sees everyone's personal code;
    anyone else only their own (`sees_personal_code_of`)."""
    return viewer.is_admin


def sees_personal_code_of(viewer: Viewer, person_id: int) -> bool:
    """A person's code outside an exam's participant list: themselves and the registry."""
    return sees_personal_codes_of_others(viewer) or (
        viewer.person_id is not None and viewer.person_id == person_id
    )


def may_download_protocol(viewer: Viewer, kind: str, group_id: int | None) -> bool:
    """Protocol PDFs, within the protocols the viewer sees: the awarding body, its commission
    chairs and the registry; an assessor the assessment protocols of their committees (the
    row scope keeps them to those). A school gets the extract instead."""
    if viewer.role in (Role.REGISTRY_ADMIN, Role.AWARDING_BODY, Role.COMMISSION_CHAIR):
        return True
    return viewer.role is Role.ASSESSOR and kind == "ASSESSMENT"


def may_download_extract(viewer: Viewer) -> bool:
    """A school's extract of a signed commission protocol: that school (its exams are its
    scope) and the registry."""
    return viewer.role in (Role.SCHOOL, Role.REGISTRY_ADMIN)


def may_list_members(viewer: Viewer, awarding_body_id: int) -> bool:
    """An awarding body's assessors, commission chairs and staff (the committee and chair
    pickers): that body itself and the registry."""
    if viewer.is_admin:
        return True
    return viewer.role is Role.AWARDING_BODY and viewer.organisation_id == awarding_body_id


def may_list_eligible_students(viewer: Viewer) -> bool:
    """Who could join an exam: only those who build its participant list."""
    return viewer.role in (Role.SCHOOL, Role.REGISTRY_ADMIN)


def may_list_retaker_candidates(viewer: Viewer) -> bool:
    """Earlier participations that may come back as retakers: the awarding body places
    retakers (and the registry)."""
    return viewer.role in (Role.AWARDING_BODY, Role.REGISTRY_ADMIN)


def extract_scope(viewer: Viewer) -> Q:
    """The extracts of a visible protocol: a school's own only; the registry every school's."""
    if viewer.is_admin:
        return Q()
    return Q(school_id=viewer.organisation_id)


@dataclass(frozen=True)
class ReportScope:
    """The exams a viewer's statistics and compensation figures are computed from."""

    school_id: int | None = None
    awarding_body_id: int | None = None
    # An awarding body counts only exams sent to it, as it sees them (never a school's draft).
    sent_only: bool = False


def report_scope(viewer: Viewer) -> ReportScope | None:
    """Statistics and compensation figures: the registry all, a school its own exams, an
    awarding body the exams sent to it. Assessors and commission chairs work on single
    groups and protocols, not on an organisation's figures, and get none; the public gets
    the register's home-page figures only."""
    match viewer.role:
        case Role.REGISTRY_ADMIN:
            return ReportScope()
        case Role.SCHOOL:
            return ReportScope(school_id=viewer.organisation_id)
        case Role.AWARDING_BODY:
            return ReportScope(awarding_body_id=viewer.organisation_id, sent_only=True)
        case _:
            return None


def may_manage_compensation_rates(viewer: Viewer) -> bool:
    """The rate table is the registry's: only its admin adds and supersedes rates."""
    return viewer.is_admin


# ----- the examinee's own view and appeals ---------------------------------------------------


def is_examinee_view(viewer: Viewer) -> bool:
    """A signed-in person acting for themselves: no role, only their own participations,
    results, certificates, notifications and appeals."""
    return viewer.person_id is not None and viewer.role is None


def own_participations(viewer: Viewer) -> Q | None:
    """The participations a person sees in their own view (any role: their own only)."""
    if viewer.person_id is None:
        return None
    return Q(person_id=viewer.person_id)


def appeal_scope(viewer: Viewer) -> Q | None:
    """The appeals the viewer sees: the examinee their own; the school those of its exams;
    the awarding body and its commission chairs those it decides; the registry all."""
    match viewer.role:
        case Role.REGISTRY_ADMIN:
            return Q()
        case Role.SCHOOL:
            return Q(exam__school_id=viewer.organisation_id)
        case Role.AWARDING_BODY | Role.COMMISSION_CHAIR:
            return Q(awarding_body_id=viewer.organisation_id)
        case None if viewer.person_id is not None:
            return Q(participant__person_id=viewer.person_id)
        case _:
            return None


def sees_personal_codes_in_appeals(viewer: Viewer) -> bool:
    """The examinee's personal code on an appeal: those who handle it and the examinee."""
    return viewer.role in (
        Role.REGISTRY_ADMIN,
        Role.SCHOOL,
        Role.AWARDING_BODY,
        Role.COMMISSION_CHAIR,
    ) or is_examinee_view(viewer)
