"""The database itself refuses bad rows, and the migrations match the models."""

from __future__ import annotations

import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import IntegrityError, ValidationError
from tortoise.migrations.autodetector import MigrationAutodetector

from app.settings import tortoise_config
from models.enums import CommitteeRole, ExamStatus, FundingCode, ParticipantKind, Role
from models.exam import Exam
from models.group import CommitteeMember, ExamGroup
from models.participant import Participant
from models.person import Person, RoleAssignment
from tests.factories import (
    create_committee_member,
    create_exam,
    create_group,
    create_participant,
    create_person,
    create_school,
)


async def test_the_migrations_describe_the_models_exactly(database_url):
    apps_config = tortoise_config(database_url)["apps"]

    changes = await MigrationAutodetector(Tortoise.apps, apps_config).changes()  # type: ignore[arg-type]

    assert changes == [], "run `tortoise -c app.settings.TORTOISE_ORM makemigrations`"


async def test_an_invalid_personal_code_is_refused_and_nothing_is_saved(empty_db):
    with pytest.raises(ValidationError, match="personal identification code"):
        await Person.create(personal_code="5000011511", first_name="Õie", last_name="Sööt")

    assert await Person.all().count() == 0


async def test_a_personal_code_is_unique(empty_db):
    person = await create_person()

    with pytest.raises(IntegrityError):
        await Person.create(personal_code=person.personal_code, first_name="A", last_name="B")

    assert await Person.filter(personal_code=person.personal_code).count() == 1


async def _refused(create, model, **unchanged) -> None:  # type: ignore[no-untyped-def]
    before = await model.filter(**unchanged).count()
    with pytest.raises(IntegrityError):
        await create()
    assert await model.filter(**unchanged).count() == before


async def test_a_work_world_applicant_is_never_state_funded(empty_db):
    exam = await create_exam()

    await _refused(
        lambda: create_participant(
            exam, kind=ParticipantKind.WORK_WORLD_APPLICANT, funding_code=FundingCode.R
        ),
        Participant,
        exam_id=exam.id,
    )


async def test_a_person_takes_an_exam_once(empty_db):
    exam = await create_exam()
    participant = await create_participant(exam)

    await _refused(
        lambda: create_participant(exam, person=participant.person), Participant, exam_id=exam.id
    )


async def test_a_group_limit_is_between_1_and_60(empty_db):
    exam = await create_exam()

    await _refused(lambda: create_group(exam, limit=0), ExamGroup, exam_id=exam.id)
    await _refused(lambda: create_group(exam, limit=61), ExamGroup, exam_id=exam.id)


async def test_a_committee_has_one_chair(empty_db):
    group = await create_group(await create_exam())
    await create_committee_member(group, await create_person(), CommitteeRole.CHAIR)
    second = await create_person()

    await _refused(
        lambda: create_committee_member(group, second, CommitteeRole.CHAIR),
        CommitteeMember,
        group_id=group.id,
    )


async def test_a_submitted_exam_records_when(empty_db):
    await _refused(lambda: create_exam(status=ExamStatus.SUBMITTED, submitted_at=None), Exam)


async def test_only_the_registry_admin_role_has_no_organisation(empty_db):
    person = await create_person()

    await _refused(
        lambda: RoleAssignment.create(person=person, role=Role.SCHOOL, organisation=None),
        RoleAssignment,
    )
    await RoleAssignment.create(person=person, role=Role.REGISTRY_ADMIN, organisation=None)
    await RoleAssignment.create(person=person, role=Role.SCHOOL, organisation=await create_school())
    assert await RoleAssignment.filter(person=person).count() == 2


async def _unique_column_sets(table: str) -> set[frozenset[str]]:
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        rows = await connection.execute_query_dict(
            "SELECT array_agg(a.attname::text) AS columns FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey) "
            "WHERE t.relname = $1 AND i.indisunique AND i.indpred IS NULL "
            "GROUP BY i.indexrelid",
            [table],
        )
        return {frozenset(row["columns"]) for row in rows}
    found = set()
    for index in await connection.execute_query_dict(f'PRAGMA index_list("{table}")'):
        if index["unique"] and not index["partial"]:
            info = await connection.execute_query_dict(f'PRAGMA index_info("{index["name"]}")')
            found.add(frozenset(column["name"] for column in info))
    return found


async def test_every_unique_together_is_enforced_by_the_database(empty_db):
    missing = []
    for model in Tortoise.apps["models"].values():
        meta = model._meta
        present = await _unique_column_sets(meta.db_table)
        for fields in meta.unique_together or ():
            columns = frozenset(meta.fields_map[name].source_field or name for name in fields)
            if columns not in present:
                missing.append(f"{meta.db_table}{sorted(columns)}")

    assert missing == []


async def test_exam_types_and_rates_are_kept_valid_by_the_database(empty_db):
    from datetime import date

    from tortoise import connections

    from models.compensation import CompensationRate
    from models.enums import ExamType

    exam = await create_exam()
    connection = connections.get("default")
    # A row written without the column (as every row before migration 0007) is combined.
    columns = (
        "created_at, version, updated_at, school_id, awarding_body_id, curriculum_id, "
        "standard_id, status, graduation_date, language, final_course, responsible_id, "
        "created_by_id, submitted_at"
    )
    await connection.execute_query(
        f"INSERT INTO exam ({columns}) SELECT {columns} FROM exam WHERE id = {exam.id}"
    )
    assert await Exam.filter(exam_type=ExamType.COMBINED).count() == 2
    with pytest.raises(IntegrityError):
        await connection.execute_query("UPDATE exam SET exam_type = 'ORAL'")
    rate = {"exam_type": ExamType.THEORY, "valid_from": date(2024, 1, 1)}
    await CompensationRate.create(curriculum_group="0715", amount_cents=100, **rate)
    await _refused(
        lambda: CompensationRate.create(curriculum_group="0715", amount_cents=200, **rate),
        CompensationRate,
    )
    await _refused(
        lambda: CompensationRate.create(
            curriculum_group="0715",
            amount_cents=-1,
            exam_type=ExamType.THEORY,
            valid_from=date(2024, 2, 1),
        ),
        CompensationRate,
    )
    await _refused(
        lambda: CompensationRate.create(
            curriculum_group="71",
            amount_cents=1,
            exam_type=ExamType.THEORY,
            valid_from=date(2024, 3, 1),
        ),
        CompensationRate,
    )
