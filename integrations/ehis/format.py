"""The EHIS data file: schools, curricula and students, as typed and validated records.

JSON: one object with up to three lists, `{"schools": [...], "curricula": [...],
"students": [...]}` (any may be absent; other top-level keys except `exported_at` make the
file unreadable). CSV: one file per kind, named `*schools.csv`, `*curricula.csv` or
`*students.csv`, with the same field names as columns. `example.json` and
`example_students.csv` next to this module show every field.

Each row is checked on its own; a bad row becomes `RowProblem`s and is left out, and the
first of several rows with the same key wins (the others are refused as duplicates).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from integrations.report import RowProblem, RowRef
from integrations.rows import RowReader
from models.enums import FundingCode
from models.personal_code import is_valid_personal_code

SCHOOLS, CURRICULA, STUDENTS = "schools", "curricula", "students"
KINDS = (SCHOOLS, CURRICULA, STUDENTS)
JSON_KEYS = frozenset({*KINDS, "exported_at"})
EHIS_CODE = re.compile(r"\d{1,16}")
CURRICULUM_GROUP = re.compile(r"\d{4}")  # õppekavarühm: an ISCED-F narrow field code
STANDARD_CODE = re.compile(r"[0-9A-Za-z-]{1,16}")
LANGUAGE = re.compile(r"[A-Za-z]{2}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_COURSE = 10
# EHIS's level-and-type codes of vocational curricula; a file may name others itself.
LEVEL_TYPES = {
    "431": "Kolmanda taseme kutseõpe",
    "441": "Neljanda taseme kutseõppe esmaõpe (kutsekeskharidusõpe)",
    "442": "Neljanda taseme kutseõppe esmaõpe",
    "443": "Neljanda taseme kutseõppe jätkuõpe",
    "451": "Viienda taseme kutseõppe esmaõpe",
    "452": "Viienda taseme kutseõppe jätkuõpe",
}
REQUIRED_COLUMNS = {
    SCHOOLS: frozenset({"code", "name"}),
    CURRICULA: frozenset(
        {"code", "school_code", "name", "level_type", "nominal_years", "registered_on"}
    ),
    STUDENTS: frozenset(
        {
            "personal_code",
            "first_name",
            "last_name",
            "curriculum_code",
            "course",
            "funding_code",
            "started_on",
            "ends_on",
        }
    ),
}

StandardRef = tuple[str, int]
"""A standard version as the register names it: (code, version)."""


@dataclass(frozen=True, slots=True)
class SchoolRecord:
    """A school (õppeasutus) by its EHIS institution code."""

    at: RowRef
    code: str  # EHIS institution code
    name: str
    email: str | None  # None: keep what is stored


@dataclass(frozen=True, slots=True)
class CurriculumRecord:
    """A curriculum (õppekava) by its EHIS code, with the standard versions it leads to."""

    at: RowRef
    code: str  # EHIS curriculum code
    school_code: str
    name: str
    level_type_code: str
    level_type_name: str
    nominal_years: int
    nominal_months: int
    registered_on: date
    admission_open: bool
    compound: bool  # a liitõppekava: given, or more than one standard code linked
    standards: tuple[StandardRef, ...]
    curriculum_group: str | None = None  # left as it is when the file does not say


@dataclass(frozen=True, slots=True)
class StudentRecord:
    """A person studying on a curriculum (key: personal code and curriculum code)."""

    at: RowRef
    personal_code: str
    first_name: str
    last_name: str
    curriculum_code: str
    course: int
    funding_code: FundingCode
    special_needs: bool
    language: str
    started_on: date
    ends_on: date  # nominal end of studies
    studies_ended_on: date | None
    standard: StandardRef | None  # the standard studied under; None: keep what is stored


Record = SchoolRecord | CurriculumRecord | StudentRecord


@dataclass
class EhisBatch:
    """Everything read from one or more EHIS files: the good records and the bad rows."""

    schools: list[SchoolRecord] = field(default_factory=list)
    curricula: list[CurriculumRecord] = field(default_factory=list)
    students: list[StudentRecord] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def add_rows(self, kind: str, rows: Iterable[tuple[RowRef, Any]]) -> None:
        """Check rows of one kind and keep the good ones."""
        parse = PARSERS[kind]
        for at, values in rows:
            if not isinstance(values, Mapping):
                self.problems.append(RowProblem(at, "-", "must be an object"))
                continue
            reader = RowReader(values, at)
            record = parse(reader)
            if reader.ok:
                getattr(self, kind).append(record)
            else:
                self.problems += reader.problems

    def drop_duplicates(self) -> None:
        """Keep the first row of each key; refuse later ones, naming the row they repeat."""
        self.schools = self._first_of_each(self.schools, lambda r: r.code, "code")
        self.curricula = self._first_of_each(self.curricula, lambda r: r.code, "code")
        self.students = self._first_of_each(
            self.students, lambda r: (r.personal_code, r.curriculum_code), "personal_code"
        )

    def _first_of_each(self, records: list[Any], key: Any, field_name: str) -> list[Any]:
        first: dict[Any, RowRef] = {}
        kept = []
        for record in records:
            seen = first.setdefault(key(record), record.at)
            if seen is record.at:
                kept.append(record)
                continue
            where = f"row {seen.row}"
            if seen.source != record.at.source:
                where += f" of {seen.source}"
            self.problems.append(RowProblem(record.at, field_name, f"duplicate of {where}"))
        return kept


def parse_school(r: RowReader) -> SchoolRecord:
    """A school from a row; problems go to `r`."""
    return SchoolRecord(
        at=r.at,
        code=r.text("code", max_length=16, pattern=EHIS_CODE, expected="an EHIS code (digits)"),
        name=r.text("name"),
        email=r.optional_text("email", pattern=EMAIL, expected="an e-mail address"),
    )


def parse_curriculum(r: RowReader) -> CurriculumRecord:
    """A curriculum from a row; problems go to `r`."""
    level_type = r.text("level_type", max_length=8, pattern=EHIS_CODE, expected="digits")
    level_type_name = r.optional_text("level_type_name") or LEVEL_TYPES.get(level_type, "")
    if level_type and not level_type_name:
        r.problem("level_type_name", "is required for a level and type not known here")
    years = r.integer("nominal_years", minimum=0, maximum=10)
    months = r.optional_integer("nominal_months", minimum=0, maximum=11) or 0
    if r.ok and years == 0 and months == 0:
        r.problem("nominal_years", "the nominal duration must be longer than zero")
    standards = _standard_refs(r, r.values.get("standards"))
    compound_given = r.values.get("compound") not in (None, "")
    return CurriculumRecord(
        at=r.at,
        code=r.text("code", max_length=16, pattern=EHIS_CODE, expected="an EHIS code (digits)"),
        school_code=r.text(
            "school_code", max_length=16, pattern=EHIS_CODE, expected="an EHIS code (digits)"
        ),
        name=r.text("name"),
        level_type_code=level_type,
        level_type_name=level_type_name,
        nominal_years=years,
        nominal_months=months,
        registered_on=r.date("registered_on"),
        curriculum_group=r.optional_text(
            "curriculum_group", pattern=CURRICULUM_GROUP, expected="four digits (ISCED-F)"
        ),
        admission_open=r.boolean("admission_open", default=True),
        compound=(
            r.boolean("compound", default=False)
            if compound_given
            else len({code for code, _ in standards}) > 1
        ),
        standards=standards,
    )


def _standard_refs(r: RowReader, value: Any) -> tuple[StandardRef, ...]:
    """JSON: a list of {"code", "version"}; CSV: `code/version` items separated by spaces."""
    if value is None or value == "":
        return ()
    items: list[Any] = value.split() if isinstance(value, str) else value
    if not isinstance(items, list):
        r.problem("standards", "must be a list of standard versions")
        return ()
    refs: list[StandardRef] = []
    for position, item in enumerate(items, start=1):
        if isinstance(item, str) and item.count("/") == 1:
            code_text, version_text = item.split("/")
            item = {"code": code_text, "version": version_text}
        if not isinstance(item, Mapping):
            r.problem("standards", f"item {position} must be a code and a version")
            continue
        item_reader = RowReader(item, r.at)
        code = item_reader.text("code", max_length=16, pattern=STANDARD_CODE, expected="a code")
        version = item_reader.integer("version", minimum=1, maximum=999)
        if not item_reader.ok:
            r.problem("standards", f"item {position} must be a code and a version (1 or more)")
        elif (code, version) not in refs:
            refs.append((code, version))
    return tuple(refs)


def parse_student(r: RowReader) -> StudentRecord:
    """A student from a row; problems go to `r`, never with the value at fault."""
    code = r.text("personal_code", max_length=11)
    if code and not is_valid_personal_code(code):
        r.problem("personal_code", "is not a valid Estonian personal identification code")
    funding = r.text("funding_code", max_length=1)
    if funding and funding not in FundingCode.__members__:
        r.problem("funding_code", "must be one of R, Z, M, T")
    started_on, ends_on = r.date("started_on"), r.date("ends_on")
    if r.ok and ends_on < started_on:
        r.problem("ends_on", "must not be before started_on")
    studies_ended_on = r.optional_date("studies_ended_on")
    if studies_ended_on is not None and started_on != date.min and studies_ended_on < started_on:
        r.problem("studies_ended_on", "must not be before started_on")
    standard_code = r.optional_text(
        "standard_code", max_length=16, pattern=STANDARD_CODE, expected="a code"
    )
    standard_version = r.optional_integer("standard_version", minimum=1, maximum=999)
    if (standard_code is None) != (standard_version is None):
        r.problem("standard_version", "standard_code and standard_version go together")
    return StudentRecord(
        at=r.at,
        personal_code=code,
        first_name=r.text("first_name", max_length=100),
        last_name=r.text("last_name", max_length=100),
        curriculum_code=r.text(
            "curriculum_code", max_length=16, pattern=EHIS_CODE, expected="an EHIS code (digits)"
        ),
        course=r.integer("course", minimum=1, maximum=MAX_COURSE),
        funding_code=FundingCode(funding) if funding in FundingCode.__members__ else FundingCode.T,
        special_needs=r.boolean("special_needs", default=False),
        language=(
            r.optional_text("language", max_length=2, pattern=LANGUAGE, expected="two letters")
            or "et"
        ).lower(),
        started_on=started_on,
        ends_on=ends_on,
        studies_ended_on=studies_ended_on,
        standard=(
            (standard_code, standard_version)
            if standard_code is not None and standard_version is not None
            else None
        ),
    )


PARSERS: dict[str, Callable[[RowReader], Record]] = {
    SCHOOLS: parse_school,
    CURRICULA: parse_curriculum,
    STUDENTS: parse_student,
}
