"""Importing EHIS data: schools, curricula (with their standard links), people and students,
upserted in one transaction.

Keys: a school by its EHIS code, a curriculum by its EHIS code, a person by personal code, a
student by (person, curriculum). Nothing is ever deleted except curriculum–standard links the
file no longer lists. On PostgreSQL the people and students (nearly all of a file) are copied
into a staging table and upserted with one statement each (`bulk.py`); elsewhere new rows are
inserted in batches and changed rows updated in batches, by the same rules. Exams are
untouched: a participant keeps the course, funding code, special needs and language it had
when it was added to an exam.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from integrations.database import (
    Changes,
    assign,
    chunked,
    fetch_in,
    run_import,
    sync_links,
    values_in,
)
from integrations.ehis import bulk
from integrations.ehis.format import (
    CURRICULA,
    SCHOOLS,
    STUDENTS,
    CurriculumRecord,
    EhisBatch,
    StandardRef,
    StudentRecord,
)
from integrations.ehis.source import EhisFileSource, EhisSource
from integrations.organisations import OrganisationRow, organisation_ids, upsert_organisations
from integrations.report import ImportReport, ProgressCallback, no_progress
from models.curriculum import Curriculum, CurriculumStandard
from models.enums import OrganisationKind
from models.person import Person
from models.standard import Standard
from models.student import Student

PERSONS = "persons"
REPORT_KINDS = (SCHOOLS, CURRICULA, PERSONS, STUDENTS)
# Databases whose people and students are upserted set-based (bulk.py); others row by row.
SET_BASED_DIALECTS = frozenset({"postgres"})


async def import_ehis(
    source: EhisSource | Path,
    *,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import schools, curricula and students from EHIS in one transaction.

    Bad rows are left out and reported; the good ones are imported. Importing the same data
    twice changes nothing the second time.

    Args:
        source: Where the data comes from; a path is read as an EHIS file (JSON or CSV).
        progress: Called as `progress(stage, done, total)` while each stage runs.
        dry_run: Do everything, report it, then roll back.

    Returns:
        Counts per kind (schools, curricula, persons, students) and the rejected rows.

    Raises:
        SourceUnreadableError: The source cannot be read at all; nothing was changed.
        ImportAbortedError: The database refused the import; nothing was changed.
    """
    if isinstance(source, Path):
        source = EhisFileSource(source)
    return await run_import(
        "EHIS",
        source.name,
        source.read,
        REPORT_KINDS,
        dry_run=dry_run,
        start=lambda connection, batch, report: _EhisImport(connection, batch, report, progress),
    )


class _EhisImport:
    def __init__(
        self,
        connection: BaseDBAsyncClient,
        batch: EhisBatch,
        report: ImportReport,
        progress: ProgressCallback | None,
    ) -> None:
        self.db, self.batch, self.report = connection, batch, report
        self.progress = progress or no_progress
        self.school_ids: dict[str, int] = {}
        self.standard_ids: dict[StandardRef, int] = {}
        self.curriculum_ids: dict[str, int] = {}
        self.person_ids: dict[str, int] = {}

    async def run(self) -> None:
        await self.schools()
        await self.load_standards()
        await self.curricula()
        students = self.students_with_known_references()
        if self.db.capabilities.dialect in SET_BASED_DIALECTS:
            await self.persons_and_students_set_based(students)
        else:
            await self.persons(students)
            await self.students(students)

    async def schools(self) -> None:
        records = self.batch.schools
        self.progress(SCHOOLS, 0, len(records))
        await upsert_organisations(
            self.db,
            OrganisationKind.SCHOOL,
            [OrganisationRow(r.code, r.name, r.email) for r in records],
            self.report.counts[SCHOOLS],
        )
        wanted = {c.school_code for c in self.batch.curricula}
        self.school_ids = await organisation_ids(self.db, OrganisationKind.SCHOOL, wanted)
        self.progress(SCHOOLS, len(records), len(records))

    async def load_standards(self) -> None:
        refs = {ref for c in self.batch.curricula for ref in c.standards}
        refs |= {s.standard for s in self.batch.students if s.standard is not None}
        rows = await values_in(
            Standard.all(), "code", {code for code, _ in refs}, ("code", "version", "id"), self.db
        )
        self.standard_ids = {(code, version): id_ for code, version, id_ in rows}

    def curricula_with_known_references(self) -> list[CurriculumRecord]:
        accepted = []
        for record in self.batch.curricula:
            ok = record.school_code in self.school_ids
            if not ok:
                self.report.reject(
                    record.at, "school_code", "unknown school: in neither the file nor the database"
                )
            for position, ref in enumerate(record.standards, start=1):
                if ref not in self.standard_ids:
                    ok = False
                    self.report.reject(
                        record.at,
                        "standards",
                        f"item {position} is not a standard version in the register "
                        "(import the standards first)",
                    )
            if ok:
                accepted.append(record)
        return accepted

    async def curricula(self) -> None:
        records = self.curricula_with_known_references()
        self.progress(CURRICULA, 0, len(records))
        existing = {
            c.ehis_code: c
            for c in await fetch_in(Curriculum.all(), "ehis_code", _codes(records), self.db)
        }
        changes = Changes(Curriculum, self.db)
        changed_codes: set[str] = set()
        for record in records:
            values = {
                "school_id": self.school_ids[record.school_code],
                "name": record.name,
                "level_type_code": record.level_type_code,
                "level_type_name": record.level_type_name,
                "nominal_years": record.nominal_years,
                "nominal_months": record.nominal_months,
                "registered_on": record.registered_on,
                "admission_open": record.admission_open,
                "compound": record.compound,
            }
            if record.curriculum_group is not None:
                values["curriculum_group"] = record.curriculum_group
            curriculum = existing.get(record.code)
            if curriculum is None:
                changes.create(Curriculum(ehis_code=record.code, **values))
            else:
                changed = assign(curriculum, values)
                changes.update(curriculum, changed)
                if changed:
                    changed_codes.add(record.code)
        await changes.flush()
        wanted = _codes(records) | {s.curriculum_code for s in self.batch.students}
        rows = await values_in(Curriculum.all(), "ehis_code", wanted, ("ehis_code", "id"), self.db)
        self.curriculum_ids = {code: id_ for code, id_ in rows}
        changed_codes |= await self.link_standards(records)
        counts = self.report.counts[CURRICULA]
        for record in records:
            created = record.code not in existing
            counts.tally(created=created, changed=record.code in changed_codes)
        self.progress(CURRICULA, len(records), len(records))

    async def link_standards(self, records: list[CurriculumRecord]) -> set[str]:
        """Make each curriculum's standard links those of the file; the codes that changed."""
        codes = {self.curriculum_ids[r.code]: r.code for r in records}
        wanted = {
            self.curriculum_ids[r.code]: {self.standard_ids[ref] for ref in r.standards}
            for r in records
        }
        changed = await sync_links(
            CurriculumStandard, "curriculum_id", "standard_id", wanted, self.db
        )
        return {codes[curriculum_id] for curriculum_id in changed}

    def students_with_known_references(self) -> list[StudentRecord]:
        accepted = []
        for record in self.batch.students:
            ok = record.curriculum_code in self.curriculum_ids
            if not ok:
                self.report.reject(
                    record.at,
                    "curriculum_code",
                    "unknown curriculum: in neither the file's accepted curricula nor the database",
                )
            if record.standard is not None and record.standard not in self.standard_ids:
                ok = False
                self.report.reject(
                    record.at,
                    "standard_code",
                    "not a standard version in the register (import the standards first)",
                )
            if ok:
                accepted.append(record)
        return accepted

    async def persons_and_students_set_based(self, students: list[StudentRecord]) -> None:
        """PostgreSQL: COPY the rows into a staging table, then upsert people and students
        with one statement each (`bulk.py`); the same rules and counts as below."""
        rows = bulk.staging_rows(students, self.curriculum_ids, self.standard_ids)
        people = len({s.personal_code for s in students})
        self.progress(PERSONS, 0, people)
        self.progress(STUDENTS, 0, len(rows))
        await bulk.stage(self.db, rows)
        (await bulk.upsert_persons(self.db)).add_to(self.report.counts[PERSONS])
        self.progress(PERSONS, people, people)
        (await bulk.upsert_students(self.db, len(rows))).add_to(self.report.counts[STUDENTS])
        self.progress(STUDENTS, len(rows), len(rows))

    async def persons(self, students: list[StudentRecord]) -> None:
        """People by personal code; a person on several curricula takes the first row's name."""
        names: dict[str, tuple[str, str]] = {}
        for record in students:
            names.setdefault(record.personal_code, (record.first_name, record.last_name))
        codes = list(names)
        counts = self.report.counts[PERSONS]
        self.progress(PERSONS, 0, len(codes))
        done = 0
        for chunk in chunked(codes):
            existing = {
                p.personal_code: p
                for p in await Person.filter(personal_code__in=chunk).using_db(self.db)
            }
            changes = Changes(Person, self.db)
            for code in chunk:
                first_name, last_name = names[code]
                person = existing.get(code)
                if person is None:
                    changes.create(
                        Person(personal_code=code, first_name=first_name, last_name=last_name)
                    )
                    counts.tally(created=True, changed=True)
                else:
                    self.person_ids[code] = person.id
                    changed = assign(person, {"first_name": first_name, "last_name": last_name})
                    changes.update(person, changed)
                    counts.tally(created=False, changed=bool(changed))
            created = [code for code in chunk if code not in existing]
            await changes.flush()
            if created:
                rows = (
                    await Person.filter(personal_code__in=created)
                    .using_db(self.db)
                    .values_list("personal_code", "id")
                )
                self.person_ids.update((code, id_) for code, id_ in rows)
            done += len(chunk)
            self.progress(PERSONS, done, len(codes))

    async def students(self, students: list[StudentRecord]) -> None:
        counts = self.report.counts[STUDENTS]
        self.progress(STUDENTS, 0, len(students))
        done = 0
        for chunk in chunked(students):
            person_ids = {self.person_ids[s.personal_code] for s in chunk}
            existing = {
                (s.person_id, s.curriculum_id): s
                for s in await Student.filter(person_id__in=sorted(person_ids)).using_db(self.db)
            }
            changes = Changes(Student, self.db)
            for record in chunk:
                person_id = self.person_ids[record.personal_code]
                curriculum_id = self.curriculum_ids[record.curriculum_code]
                values = _student_values(record)
                if record.standard is not None:
                    values["standard_id"] = self.standard_ids[record.standard]
                student = existing.get((person_id, curriculum_id))
                if student is None:
                    values.setdefault("standard_id", None)
                    changes.create(
                        Student(person_id=person_id, curriculum_id=curriculum_id, **values)
                    )
                    counts.tally(created=True, changed=True)
                else:
                    changed = assign(student, values)
                    changes.update(student, changed)
                    counts.tally(created=False, changed=bool(changed))
            await changes.flush()
            done += len(chunk)
            self.progress(STUDENTS, done, len(students))


def _codes(records: list[Any]) -> set[str]:
    return {record.code for record in records}


def _student_values(record: StudentRecord) -> dict[str, Any]:
    return {
        "course": record.course,
        "funding_code": record.funding_code,
        "special_needs": record.special_needs,
        "language": record.language,
        "started_on": record.started_on,
        "ends_on": record.ends_on,
        "studies_ended_on": record.studies_ended_on,
    }
