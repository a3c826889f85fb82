"""The EHIS import against a real database: idempotent, updates in place, never touches an
exam's snapshot, refuses bad rows one by one, and is one transaction."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from integrations.ehis import EhisFileSource, import_ehis
from integrations.report import ImportAbortedError, ImportReport, SourceUnreadableError
from integrations.standards import import_standards
from models.access import Viewer
from models.curriculum import Curriculum, CurriculumStandard
from models.enums import ExamStatus, FundingCode, OrganisationKind, Role
from models.organisation import Organisation
from models.participant import Participant
from models.person import Person
from models.standard import Standard
from models.student import Student
from models.workflow.participant import add_participants
from tests.factories import create_exam, create_user
from tests.integrations.helpers import (
    EHIS_EXAMPLE,
    EHIS_EXAMPLE_STUDENTS,
    STANDARDS_EXAMPLE,
    example,
    personal_codes_in,
    snapshot,
    write_csv,
    write_json,
)

KARL = "50603140213"  # Keevitaja (201845), course 3, funding R, in example.json


def counts(report: ImportReport) -> dict[str, tuple[int, int, int, int]]:
    return {
        kind: (c.created, c.updated, c.unchanged, c.rejected) for kind, c in report.counts.items()
    }


@pytest.fixture
async def standards(empty_db):  # type: ignore[no-untyped-def]
    """The register's standards, which EHIS curricula link to."""
    await import_standards(STANDARDS_EXAMPLE)


async def test_the_example_imports_and_a_second_import_changes_nothing(standards):
    source = EhisFileSource(EHIS_EXAMPLE, EHIS_EXAMPLE_STUDENTS)

    first = await import_ehis(source)
    before = await snapshot()
    second = await import_ehis(source)

    assert counts(first) == {
        "schools": (2, 0, 0, 0),
        "curricula": (4, 0, 0, 0),
        "persons": (11, 0, 0, 0),
        "students": (11, 0, 0, 0),
    }
    assert counts(second) == {
        "schools": (0, 0, 2, 0),
        "curricula": (0, 0, 4, 0),
        "persons": (0, 0, 11, 0),
        "students": (0, 0, 11, 0),
    }
    assert await snapshot() == before
    karl = await Student.get(person__personal_code=KARL).prefetch_related("curriculum", "standard")
    assert (karl.curriculum.ehis_code, karl.course, karl.funding_code) == ("201845", 3, "R")
    assert (karl.standard.code, karl.standard.version) == ("10712015", 6)
    it = await Curriculum.get(ehis_code="224810").prefetch_related("school")
    assert it.school.name == "Tallinna Tööstushariduskeskus"
    assert await CurriculumStandard.filter(curriculum=it).count() == 2


async def test_a_newer_file_updates_in_place_and_an_exam_keeps_its_snapshot(standards, tmp_path):
    await import_ehis(EHIS_EXAMPLE)
    karl = await Student.get(person__personal_code=KARL)
    school = await Organisation.get(kind=OrganisationKind.SCHOOL, code="1052")
    teacher = await create_user(Role.SCHOOL, school)
    exam = await create_exam(
        school=school,
        awarding_body=await Organisation.get(code="80005616"),
        standard=await Standard.get(code="10712015", version=6),
        curriculum=await Curriculum.get(ehis_code="201845"),
        responsible=teacher,
        status=ExamStatus.DRAFT,
        final_course=3,
    )
    [participant] = await add_participants(
        Viewer(teacher.id, Role.SCHOOL, school.id), exam.id, [karl.id]
    )
    newer = example(EHIS_EXAMPLE)
    row = next(s for s in newer["students"] if s["personal_code"] == KARL)
    row.update(course=4, funding_code="M", special_needs=True, last_name="Tamm-Kask")

    report = await import_ehis(write_json(tmp_path, "newer.json", newer))

    assert counts(report)["students"] == (0, 1, 6, 0)
    assert counts(report)["persons"] == (0, 1, 6, 0)
    moved = await Student.get(id=karl.id)  # the same row, changed in place
    assert (moved.course, moved.funding_code, moved.special_needs) == (4, FundingCode.M, True)
    assert (await Person.get(personal_code=KARL)).last_name == "Tamm-Kask"
    kept = await Participant.get(id=participant.id)
    assert (kept.course, kept.funding_code, kept.special_needs) == (3, FundingCode.R, False)
    assert kept.student_id == karl.id


async def test_curriculum_changes_and_standard_links_follow_the_file(standards, tmp_path):
    await import_ehis(EHIS_EXAMPLE)
    newer = example(EHIS_EXAMPLE)
    it = next(c for c in newer["curricula"] if c["code"] == "224810")
    it.update(standards=[{"code": "10733612", "version": 7}], admission_open=False)
    newer["schools"][1]["name"] = "Tallinna Tööstushariduskeskus (TTHK)"

    report = await import_ehis(write_json(tmp_path, "newer.json", newer))
    again = await import_ehis(write_json(tmp_path, "newer.json", newer))

    assert counts(report)["curricula"] == (0, 1, 3, 0)
    assert counts(report)["schools"] == (0, 1, 1, 0)
    assert counts(again)["curricula"] == (0, 0, 4, 0)
    curriculum = await Curriculum.get(ehis_code="224810")
    assert not curriculum.admission_open
    links = CurriculumStandard.filter(curriculum=curriculum).values_list(
        "standard__version", flat=True
    )
    assert await links == [7]


async def test_a_curriculum_group_is_imported_and_kept_when_a_file_does_not_say(
    standards, tmp_path
):
    await import_ehis(EHIS_EXAMPLE)
    without = example(EHIS_EXAMPLE)
    for curriculum in without["curricula"]:
        curriculum.pop("curriculum_group", None)
    bad = example(EHIS_EXAMPLE)
    bad["curricula"][0]["curriculum_group"] = "71"

    assert (await Curriculum.get(ehis_code="201845")).curriculum_group == "0715"
    await import_ehis(write_json(tmp_path, "without.json", without))
    assert (await Curriculum.get(ehis_code="201845")).curriculum_group == "0715"
    report = await import_ehis(write_json(tmp_path, "bad.json", bad))
    assert counts(report)["curricula"][3] == 1


async def test_bad_rows_are_refused_with_row_and_field_and_good_rows_imported(standards, tmp_path):
    data = example(EHIS_EXAMPLE)
    good = data["students"][0]
    data["curricula"].append({**data["curricula"][0], "code": "300001", "school_code": "9999"})
    data["curricula"].append(
        {**data["curricula"][0], "code": "300002", "standards": [{"code": "1", "version": 1}]}
    )
    data["students"] += [
        {**good, "personal_code": "5000011511"},  # row 8: invalid personal code
        {**good, "personal_code": "60710250633", "curriculum_code": "777777"},  # 9: unknown
        {**good, "personal_code": "60710250633", "funding_code": "Q"},  # 10: funding code
        {**good, "personal_code": "60710250633", "ends_on": "20.13.2027"},  # 11: date
        {**good, "personal_code": "60710250633", "curriculum_code": "300001"},  # 12: refused
        {**good, "course": 2},  # 13: a duplicate of row 1
        {**good, "personal_code": "60710250633", "standard_version": 99},  # 14: unknown
    ]

    report = await import_ehis(write_json(tmp_path, "ehis.json", data))

    assert {(p.at.kind, p.row, p.field) for p in report.problems} == {
        ("curricula", 5, "school_code"),
        ("curricula", 6, "standards"),
        ("students", 8, "personal_code"),
        ("students", 9, "curriculum_code"),
        ("students", 10, "funding_code"),
        ("students", 11, "ends_on"),
        ("students", 12, "curriculum_code"),
        ("students", 13, "personal_code"),
        ("students", 14, "standard_code"),
    }
    assert counts(report)["curricula"] == (4, 0, 0, 2)
    assert counts(report)["students"] == (7, 0, 0, 7)
    assert report.rejected_rows == 9
    assert await Student.all().count() == 7
    assert not await Person.filter(personal_code="60710250633").exists()
    assert not await Curriculum.filter(ehis_code__in=["300001", "300002"]).exists()


async def test_a_student_of_a_curriculum_already_stored_needs_no_curriculum_row(
    standards, tmp_path
):
    await import_ehis(EHIS_EXAMPLE)

    report = await import_ehis(EHIS_EXAMPLE_STUDENTS)

    assert counts(report)["students"] == (4, 0, 0, 0)
    assert await Student.filter(curriculum__ehis_code="224810").count() == 3


@pytest.fixture
def log_records() -> Iterator[list[logging.LogRecord]]:
    """Everything logged under `eksamihaldus` and by the ORM, at any level."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    loggers = [logging.getLogger(name) for name in ("eksamihaldus", "tortoise")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield records
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


async def test_personal_codes_never_appear_in_the_report_or_the_log(
    standards, tmp_path, log_records
):
    data = example(EHIS_EXAMPLE)
    good = data["students"][0]
    data["students"] += [
        {**good, "personal_code": "38001085719"},  # a wrong check digit
        {**good, "personal_code": "60710250633", "course": "60710250633"},  # a shifted column
        {**good, "personal_code": "60710250634", "curriculum_code": "60710250634"},
        {**good, "funding_code": "X"},
        {**good, "curriculum_code": "999999"},
        good,
    ]
    path = write_json(tmp_path, "ehis.json", data)

    report = await import_ehis(path)

    text = "\n".join(
        [report.summary(), *map(str, report.problems), *report.notes]
        + [record.getMessage() for record in log_records]
    )
    assert report.rejected_rows == 6
    assert log_records, "the import logs its summary"
    leaked = {code for code in personal_codes_in(path) | {"5000011511"} if code in text}
    assert leaked == set()


async def test_a_dry_run_reports_but_saves_nothing(standards):
    before = await snapshot()

    report = await import_ehis(EhisFileSource(EHIS_EXAMPLE), dry_run=True)

    assert report.dry_run
    assert counts(report)["students"] == (7, 0, 0, 0)
    assert await snapshot() == before


UNREADABLE = {
    "truncated": lambda text: text[: len(text) // 2],
    "not an object": lambda text: f"[{text}]",
    "an unknown list": lambda text: text.replace('"students"', '"pupils"'),
    "empty": lambda text: "",
}


@pytest.mark.parametrize("corrupt", UNREADABLE.values(), ids=UNREADABLE.keys())
async def test_a_file_that_cannot_be_read_changes_nothing(standards, tmp_path, corrupt):
    await import_ehis(EHIS_EXAMPLE)
    before = await snapshot()
    path = tmp_path / "ehis.json"
    newer = EHIS_EXAMPLE.read_text(encoding="utf-8").replace('"course": 3', '"course": 4')
    path.write_text(corrupt(newer), encoding="utf-8")

    with pytest.raises(SourceUnreadableError):
        await import_ehis(path)

    assert await snapshot() == before


async def test_one_unreadable_file_among_several_changes_nothing(standards, tmp_path):
    before = await snapshot()
    broken = write_csv(tmp_path, "students.csv", "personal_code,course", "50603140213,3")

    with pytest.raises(SourceUnreadableError, match="missing columns"):
        await import_ehis(EhisFileSource(EHIS_EXAMPLE, broken))

    assert await snapshot() == before


async def test_an_import_the_database_refuses_midway_leaves_nothing_half_written(
    standards, tmp_path, monkeypatch
):
    await import_ehis(EHIS_EXAMPLE)
    before = await snapshot()
    data = example(EHIS_EXAMPLE)
    data["schools"][0]["name"] = "Renamed"  # written first, then rolled back
    data["curricula"].append({**data["curricula"][0], "code": "300001"})
    data["students"][0]["funding_code"] = "T"
    data["students"].append({**data["students"][0], "personal_code": "60710250633"})
    data["students"].append({**data["students"][0], "personal_code": "60602110886", "course": 11})
    # Let the file check pass a course the database's CHECK constraint refuses.
    monkeypatch.setattr("integrations.ehis.format.MAX_COURSE", 99)

    with pytest.raises(ImportAbortedError) as raised:
        await import_ehis(write_json(tmp_path, "ehis.json", data))

    assert "60602110886" not in str(raised.value)
    assert await snapshot() == before


async def test_an_empty_path_list_is_a_programming_error():
    with pytest.raises(ValueError, match="at least one"):
        EhisFileSource()


async def test_a_path_is_read_as_an_ehis_file(standards, tmp_path):
    path: Path = write_json(tmp_path, "schools.json", {"schools": [{"code": "1", "name": "K"}]})

    report = await import_ehis(path)

    assert counts(report)["schools"] == (1, 0, 0, 0)
    assert await Organisation.filter(kind=OrganisationKind.SCHOOL, code="1").exists()


@pytest.mark.postgres_only
async def test_two_imports_at_once_wait_for_each_other(standards):
    first, second = await asyncio.gather(import_ehis(EHIS_EXAMPLE), import_ehis(EHIS_EXAMPLE))

    created = sorted(r.counts["students"].created for r in (first, second))
    unchanged = sorted(r.counts["students"].unchanged for r in (first, second))
    assert (created, unchanged) == ([0, 7], [0, 7])
    assert await Student.all().count() == 7
