"""Reading EHIS files: every row checked on its own, a file that cannot be read refused whole."""

from __future__ import annotations

from datetime import date

import pytest

from integrations.ehis import EhisFileSource
from integrations.ehis.format import StudentRecord
from integrations.report import SourceUnreadableError
from models.enums import FundingCode
from tests.integrations.helpers import (
    EHIS_EXAMPLE,
    EHIS_EXAMPLE_STUDENTS,
    example,
    write_csv,
    write_json,
)

STUDENT = {
    "personal_code": "50603140213",
    "first_name": "Karl",
    "last_name": "Tamm",
    "curriculum_code": "201845",
    "course": 3,
    "funding_code": "R",
    "started_on": "2024-09-01",
    "ends_on": "2027-06-20",
}
HEADER = "personal_code;first_name;last_name;curriculum_code;course;funding_code;started_on;ends_on"


def problems(batch):  # type: ignore[no-untyped-def]
    return {(p.at.kind, p.row, p.field) for p in batch.problems}


async def test_the_example_files_hold_only_good_rows():
    batch = await EhisFileSource(EHIS_EXAMPLE, EHIS_EXAMPLE_STUDENTS).read()

    assert batch.problems == []
    assert (len(batch.schools), len(batch.curricula), len(batch.students)) == (2, 4, 11)
    grete = next(s for s in batch.students if s.first_name == "Grete")
    assert (grete.started_on, grete.ends_on, grete.special_needs) == (
        date(2024, 9, 1),
        date(2027, 6, 20),
        False,
    )
    assert grete.standard == ("10733612", 7)
    abikokk = next(c for c in batch.curricula if c.code == "163137")
    assert abikokk.level_type_name == "Kolmanda taseme kutseõpe"  # named from the known types
    assert (abikokk.admission_open, abikokk.compound) == (False, False)


async def test_a_student_row_becomes_a_typed_record(tmp_path):
    row = {**STUDENT, "special_needs": "jah", "language": "RU", "studies_ended_on": "1.07.2025"}
    path = write_json(tmp_path, "ehis.json", {"students": [row]})

    batch = await EhisFileSource(path).read()

    assert batch.problems == []
    [student] = batch.students
    assert isinstance(student, StudentRecord)
    assert student.funding_code is FundingCode.R
    assert (student.special_needs, student.language) == (True, "ru")
    assert student.studies_ended_on == date(2025, 7, 1)
    assert student.standard is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"personal_code": "5000011511"}, "personal_code"),  # ten digits (seed 000)
        ({"personal_code": "38001085719"}, "personal_code"),  # wrong check digit
        ({"personal_code": None}, "personal_code"),
        ({"funding_code": "X"}, "funding_code"),
        ({"funding_code": "r"}, "funding_code"),
        ({"course": 0}, "course"),
        ({"course": 11}, "course"),
        ({"course": "kolm"}, "course"),
        ({"course": 2.5}, "course"),
        ({"started_on": "2024-31-01"}, "started_on"),
        ({"started_on": "31.02.2024"}, "started_on"),
        ({"started_on": "2024/09/01"}, "started_on"),
        ({"ends_on": "2023-06-20"}, "ends_on"),  # before the start
        ({"studies_ended_on": "2020-01-01"}, "studies_ended_on"),
        ({"special_needs": "maybe"}, "special_needs"),
        ({"language": "est"}, "language"),
        ({"curriculum_code": "KV-1"}, "curriculum_code"),
        ({"first_name": ""}, "first_name"),
        ({"last_name": "x" * 101}, "last_name"),
        ({"standard_code": "10712015"}, "standard_version"),  # one without the other
    ],
)
async def test_a_bad_value_refuses_its_row_naming_the_field(tmp_path, change, field):
    rows = [STUDENT, {**STUDENT, "personal_code": "60608021173", **change}]
    path = write_json(tmp_path, "ehis.json", {"students": rows})

    batch = await EhisFileSource(path).read()

    assert problems(batch) == {("students", 2, field)}
    assert [s.first_name for s in batch.students] == ["Karl"]


async def test_a_reason_never_repeats_the_value_it_refused(tmp_path):
    shifted = {**STUDENT, "course": "38001085718", "funding_code": "38001085718"}
    path = write_json(tmp_path, "ehis.json", {"students": [shifted, {**STUDENT, "ends_on": "x"}]})

    batch = await EhisFileSource(path).read()

    assert problems(batch) == {
        ("students", 1, "course"),
        ("students", 1, "funding_code"),
        ("students", 2, "ends_on"),
    }
    assert not any("38001085718" in str(p) for p in batch.problems)


async def test_the_first_of_duplicate_rows_wins_and_the_others_are_refused(tmp_path):
    other = {**STUDENT, "curriculum_code": "224810"}  # the same person on another curriculum
    rows = [STUDENT, other, {**STUDENT, "course": 2}, {"code": "1052", "name": "A"}]
    path = write_json(tmp_path, "ehis.json", {"students": rows[:3], "schools": rows[3:] * 2})

    batch = await EhisFileSource(path).read()

    assert problems(batch) == {("students", 3, "personal_code"), ("schools", 2, "code")}
    assert [p.reason for p in batch.problems] == ["duplicate of row 1", "duplicate of row 1"]
    assert [(s.curriculum_code, s.course) for s in batch.students] == [("201845", 3), ("224810", 3)]


async def test_curricula_name_their_standards_and_duration(tmp_path):
    curriculum = example(EHIS_EXAMPLE)["curricula"][0]
    rows = [
        {**curriculum, "standards": [{"code": "10712015", "version": 6}, "10712008/8"]},
        {**curriculum, "code": "1", "standards": [{"code": "10712015", "version": 0}]},
        {**curriculum, "code": "2", "nominal_years": 0, "nominal_months": 0},
        {**curriculum, "code": "3", "nominal_months": 12},
        {**curriculum, "code": "4", "level_type": "499", "level_type_name": None},
        {**curriculum, "code": "5", "school_code": None},
        {**curriculum, "code": "6", "registered_on": "2020-13-01"},
        "not an object",
    ]
    path = write_json(tmp_path, "ehis.json", {"curricula": rows})

    batch = await EhisFileSource(path).read()

    assert problems(batch) == {
        ("curricula", 2, "standards"),
        ("curricula", 3, "nominal_years"),
        ("curricula", 4, "nominal_months"),
        ("curricula", 5, "level_type_name"),
        ("curricula", 6, "school_code"),
        ("curricula", 7, "registered_on"),
        ("curricula", 8, "-"),
    }
    [good] = batch.curricula
    assert good.standards == (("10712015", 6), ("10712008", 8))
    assert good.compound  # two different standards: a liitõppekava


async def test_a_csv_row_number_is_its_spreadsheet_row(tmp_path):
    path = write_csv(
        tmp_path,
        "2026-11_students.csv",
        HEADER,
        "50603140213;Karl;Tamm;201845;3;R;01.09.2024;20.06.2027",
        "",
        "60608021173;Mari;Kask;201845;3;Q;01.09.2024;20.06.2027",
        "50511290420;Artjom;Ivanov;201845;4;R;01.09.2022;20.06.2025;extra",
    )

    batch = await EhisFileSource(path).read()

    assert problems(batch) == {("students", 4, "funding_code"), ("students", 5, "-")}
    assert batch.problems[0].at.source == "2026-11_students.csv"
    assert [s.first_name for s in batch.students] == ["Karl"]


async def test_csv_files_of_each_kind_are_read_together(tmp_path):
    schools = write_csv(tmp_path, "schools.csv", "code,name,email", "1052,Tartu KHK,")
    curricula = write_csv(
        tmp_path,
        "ehis-curricula.csv",
        "code,school_code,name,level_type,nominal_years,nominal_months,registered_on,standards",
        "201845,1052,Keevitaja,441,3,0,2020-10-02,10712015/6 10712015/7",
    )
    students = write_csv(tmp_path, "students.csv", HEADER.replace(";", ","), "")

    batch = await EhisFileSource(schools, curricula, students).read()

    assert batch.problems == []
    assert [(s.code, s.email) for s in batch.schools] == [("1052", None)]
    assert batch.curricula[0].standards == (("10712015", 6), ("10712015", 7))
    assert not batch.curricula[0].compound  # two versions of one standard


def _truncated(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "ehis.json"
    path.write_text(EHIS_EXAMPLE.read_text(encoding="utf-8")[:500], encoding="utf-8")
    return path


def _latin1(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "ehis.json"
    path.write_bytes('{"schools": [{"code": "1", "name": "Võru"}]}'.encode("latin-1"))
    return path


UNREADABLE = {
    "truncated JSON": _truncated,
    "not UTF-8": _latin1,
    "a list at the top": lambda d: write_json(d, "ehis.json", [STUDENT]),
    "an unknown key": lambda d: write_json(d, "ehis.json", {"student": [STUDENT]}),
    "students not a list": lambda d: write_json(d, "ehis.json", {"students": STUDENT}),
    "a CSV without a column": lambda d: write_csv(d, "students.csv", "personal_code;course"),
    "a CSV of no known kind": lambda d: write_csv(d, "people.csv", HEADER),
    "an empty CSV": lambda d: write_csv(d, "students.csv", ""),
    "another format": lambda d: write_csv(d, "students.xlsx", HEADER),
    "a missing file": lambda d: d / "missing.json",
}


@pytest.mark.parametrize("make", UNREADABLE.values(), ids=UNREADABLE.keys())
async def test_a_file_that_cannot_be_read_is_refused_whole(tmp_path, make):
    with pytest.raises(SourceUnreadableError):
        await EhisFileSource(make(tmp_path)).read()
