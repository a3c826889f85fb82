"""Placing participants into groups: distributing the ungrouped, moving one, and the
awarding body's additions into free places (work-world applicants, retakers)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from tortoise.backends.base.client import BaseDBAsyncClient

from integrations.population_register import (
    InvalidPersonalCode,
    Outcome,
    PopulationRegister,
)
from models.access import Viewer
from models.clock import today
from models.eligibility import retake_candidates_filter
from models.enums import ParticipantKind, ParticipantResult, Role
from models.events import transaction
from models.group import ExamGroup
from models.participant import Participant
from models.person import Person
from models.workflow.common import audit, exam_for_update, expect_version, group_for_update
from models.workflow.errors import DomainError, fail, problem
from models.workflow.policy import check

RETAKE_RESULTS = (
    ParticipantResult.FAILED,
    ParticipantResult.ABSENT,
    ParticipantResult.PARTIALLY_PASSED,
)


async def _free_places(group: ExamGroup, connection: BaseDBAsyncClient) -> int:
    return group.limit - await Participant.filter(group_id=group.id).using_db(connection).count()


async def distribute(viewer: Viewer, exam_id: int, *, version: int | None = None) -> int:
    """Every participant in no group goes into a group of their language with a free place,
    groups in name order, participants by name; all of them or none. Returns how many were
    placed."""
    async with transaction() as connection:
        exam = await exam_for_update(viewer, exam_id, connection)
        check("exam.distribute", viewer, exam)
        expect_version(exam.version, version)
        groups = (
            await ExamGroup.filter(exam_id=exam.id)
            .select_for_update()
            .using_db(connection)
            .order_by("name", "id")
        )
        waiting = (
            await Participant.filter(exam_id=exam.id, group_id=None)
            .using_db(connection)
            .order_by("person__last_name", "person__first_name", "id")
        )
        taken: Counter[int] = Counter(
            await Participant.filter(exam_id=exam.id, group_id__not_isnull=True)
            .using_db(connection)
            .values_list("group_id", flat=True)  # type: ignore[arg-type]
        )
        free = {g.id: max(0, g.limit - taken[g.id]) for g in groups}
        placed: dict[int, list[int]] = {}
        short: Counter[str] = Counter()
        for participant in waiting:
            group = next(
                (g for g in groups if g.language == participant.language and free[g.id]), None
            )
            if group is None:
                short[participant.language] += 1
                continue
            free[group.id] -= 1
            placed.setdefault(group.id, []).append(participant.id)
        if short:
            raise DomainError(
                [
                    problem(
                        "GROUP_FULL",
                        ["groups", language],
                        group=f"({language})",
                        free=0,
                        needed=count,
                    )
                    for language, count in sorted(short.items())
                ]
            )
        for group_id, ids in placed.items():
            await Participant.filter(id__in=ids).using_db(connection).update(group_id=group_id)
            # one event per group, seen by whoever sees that group (models.access)
            await audit(
                connection,
                viewer,
                action="exam.distribute",
                exam_id=exam.id,
                entity="group",
                entity_id=group_id,
                before=None,
                after={"placed": ids},
            )
    return len(waiting)


async def move_participant(
    viewer: Viewer, participant_id: int, group_id: int | None, *, version: int | None = None
) -> Participant:
    participant = await Participant.get_or_none(id=participant_id)
    if participant is None:
        raise fail("NOT_FOUND", ["participant"])
    async with transaction() as connection:
        exam = await exam_for_update(viewer, participant.exam_id, connection)
        check(
            "participant.place" if viewer.role is Role.AWARDING_BODY else "participant.move",
            viewer,
            exam,
        )
        expect_version(participant.version, version)
        if group_id is not None:
            group = await group_for_update(exam, group_id, connection)
            if group.id != participant.group_id and await _free_places(group, connection) < 1:
                raise fail("GROUP_FULL", ["group"], group=group.name, free=0, needed=1)
        await (
            Participant.filter(id=participant.id)
            .using_db(connection)
            .update(group_id=group_id, version=participant.version + 1)
        )
        await audit(
            connection,
            viewer,
            action="participant.move",
            exam_id=exam.id,
            entity="participant",
            entity_id=participant.id,
            before={"group": participant.group_id},
            after={"group": group_id},
        )
    return await Participant.get(id=participant.id)


async def add_work_world_applicant(
    viewer: Viewer,
    exam_id: int,
    group_id: int,
    *,
    personal_code: str,
    first_name: str,
    last_name: str,
    register: PopulationRegister,
    email: str | None = None,
) -> Participant:
    """A person from the world of work, into a free place: never a graduate, never state
    funded (seed 001). The personal code is checked first (python-stdnum), then the name
    against the population register."""
    code = personal_code.strip()
    if not first_name.strip() or not last_name.strip():
        raise fail("INVALID_INPUT", ["lastName"], detail="Nimi puudub. / The name is missing.")
    try:
        verification = await register.verify(code, first_name, last_name)
    except InvalidPersonalCode as error:
        raise fail("INVALID_PERSONAL_CODE", ["personalCode"], detail=str(error)) from None
    if verification.outcome is Outcome.UNKNOWN:
        raise fail("PERSON_UNKNOWN", ["personalCode"])
    if verification.outcome is Outcome.MISMATCH:
        registered = f"{verification.registered_first_name} {verification.registered_last_name}"
        raise fail("PERSON_MISMATCH", ["lastName"], registered=registered)
    first_name = verification.registered_first_name or first_name
    last_name = verification.registered_last_name or last_name
    async with transaction() as connection:
        exam = await exam_for_update(viewer, exam_id, connection)
        check("exam.work_world_add", viewer, exam)
        group = await group_for_update(exam, group_id, connection)
        person = await Person.get_or_none(personal_code=code, using_db=connection)
        if person is None:
            person = await Person.create(
                using_db=connection,
                personal_code=code,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                email=email,
            )
        elif (person.first_name, person.last_name) != (first_name, last_name):
            # The register is the authority on names.
            await (
                Person.filter(id=person.id)
                .using_db(connection)
                .update(first_name=first_name, last_name=last_name)
            )
        if await Participant.exists(exam_id=exam.id, person_id=person.id):
            raise fail(
                "NOT_ELIGIBLE",
                ["personalCode"],
                reason="already in this exam",
                reason_et="on juba sellel eksamil",
            )
        if await _free_places(group, connection) < 1:
            raise fail("GROUP_FULL", ["group"], group=group.name, free=0, needed=1)
        participant = await Participant.create(
            using_db=connection,
            exam_id=exam.id,
            group_id=group.id,
            person_id=person.id,
            kind=ParticipantKind.WORK_WORLD_APPLICANT,
            language=group.language,
        )
        await audit(
            connection,
            viewer,
            action="exam.work_world_add",
            exam_id=exam.id,
            entity="participant",
            entity_id=participant.id,
            before=None,
            after={"person": person.id, "group": group.id},
        )
    return participant


async def add_retakers(
    viewer: Viewer, exam_id: int, group_id: int, earlier_participant_ids: Sequence[int]
) -> list[Participant]:
    """Those who failed, were absent or passed partly in an earlier exam of the same standard
    within a year come back into free places, all or none."""
    if not earlier_participant_ids:
        raise fail("INVALID_INPUT", ["participants"], detail="Vali osalejad. / Choose some.")
    async with transaction() as connection:
        exam = await exam_for_update(viewer, exam_id, connection)
        check("exam.retakers_add", viewer, exam)
        group = await group_for_update(exam, group_id, connection)
        earlier = {
            p.id: p
            for p in await Participant.filter(
                retake_candidates_filter(
                    standard_id=exam.standard_id,
                    awarding_body_id=exam.awarding_body_id,
                    exam_id=exam.id,
                    today=today(),
                ),
                id__in=list(earlier_participant_ids),
            ).using_db(connection)
        }
        already = set(
            await Participant.filter(exam_id=exam.id)
            .using_db(connection)
            .values_list("person_id", flat=True)
        )
        problems = [
            problem(
                "NOT_ELIGIBLE",
                ["participants", str(i)],
                reason="no failed, absent or partial result of this standard within a year"
                if pid not in earlier
                else "already in this exam",
                reason_et="aasta jooksul pole selle kutsestandardi eksamil mittesooritatud, "
                "puudutud või osalist tulemust"
                if pid not in earlier
                else "on juba sellel eksamil",
            )
            for i, pid in enumerate(earlier_participant_ids)
            if pid not in earlier or earlier[pid].person_id in already
        ]
        if problems:
            raise DomainError(problems)
        free = await _free_places(group, connection)
        if free < len(earlier_participant_ids):
            raise fail(
                "GROUP_FULL",
                ["group"],
                group=group.name,
                free=free,
                needed=len(earlier_participant_ids),
            )
        created = [
            await Participant.create(
                using_db=connection,
                exam_id=exam.id,
                group_id=group.id,
                person_id=earlier[pid].person_id,
                student_id=earlier[pid].student_id,
                kind=ParticipantKind.RETAKER,
                course=earlier[pid].course,
                special_needs=earlier[pid].special_needs,
                language=earlier[pid].language,
            )
            for pid in earlier_participant_ids
        ]
        await audit(
            connection,
            viewer,
            action="exam.retakers_add",
            exam_id=exam.id,
            entity="group",
            entity_id=group.id,
            before=None,
            after={"participants": [p.id for p in created], "from": list(earlier)},
        )
    return created
