"""The occupational standards file: the register's awarding bodies and standard versions.

One JSON object, `{"awarding_bodies": [...], "standards": [...]}` (either may be absent;
other top-level keys except `exported_at` make the file unreadable). `example.json` next to
this module shows every field. A standard version is identified by (code, version); its
awarding bodies are named by business registry code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stdnum.ee import registrikood

from integrations.report import RowProblem, RowRef
from integrations.rows import RowReader

AWARDING_BODIES, STANDARDS = "awarding_bodies", "standards"
KINDS = (AWARDING_BODIES, STANDARDS)
JSON_KEYS = frozenset({*KINDS, "exported_at"})
STANDARD_CODE = re.compile(r"[0-9A-Za-z-]{1,16}")
ISCO = re.compile(r"\d{1,4}")
DIGITS = re.compile(r"\d{1,16}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
REGISTRY_CODE_REASON = "is not a valid Estonian business registry code"


@dataclass(frozen=True, slots=True)
class AwardingBodyRecord:
    """An awarding body (kutse andja) by its business registry code."""

    at: RowRef
    registry_code: str
    name: str
    email: str | None  # None: keep what is stored


@dataclass(frozen=True, slots=True)
class StandardRecord:
    """One version of an occupational standard, with its lists."""

    at: RowRef
    code: str
    version: int
    name: str
    name_en: str | None
    kind: str
    field_of_activity: str | None
    occupational_area: str
    occupation_group: str | None
    ekr_level: int
    eqf_level: int
    isco: str | None
    isced: str | None
    emtak: str | None
    valid_from: date
    valid_until: date | None
    awarding_allowed_until: date | None
    changes: str | None
    partial_qualifications: tuple[str, ...]
    specialisations: tuple[str, ...]
    awarding_bodies: tuple[str, ...]  # registry codes

    @property
    def key(self) -> tuple[str, int]:
        """(code, version): what identifies the version."""
        return (self.code, self.version)

    def attributes(self) -> dict[str, Any]:
        """The columns of the `standard` row, apart from its identity (code, version)."""
        return {
            "name": self.name,
            "name_en": self.name_en,
            "kind": self.kind,
            "field_of_activity": self.field_of_activity,
            "occupational_area": self.occupational_area,
            "occupation_group": self.occupation_group,
            "ekr_level": self.ekr_level,
            "eqf_level": self.eqf_level,
            "isco": self.isco,
            "isced": self.isced,
            "emtak": self.emtak,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "awarding_allowed_until": self.awarding_allowed_until,
            "changes": self.changes,
        }


@dataclass
class StandardsBatch:
    """Everything read from a standards file: the good records and the bad rows."""

    awarding_bodies: list[AwardingBodyRecord] = field(default_factory=list)
    standards: list[StandardRecord] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def add_rows(self, kind: str, rows: Iterable[tuple[RowRef, Any]]) -> None:
        """Check rows of one kind and keep the good ones; the first of a key wins."""
        seen: dict[object, RowRef] = {}
        for at, values in rows:
            if not isinstance(values, Mapping):
                self.problems.append(RowProblem(at, "-", "must be an object"))
                continue
            reader = RowReader(values, at)
            if kind == AWARDING_BODIES:
                body = parse_awarding_body(reader)
                key: object = body.registry_code
            else:
                standard = parse_standard(reader)
                key = standard.key
            if not reader.ok:
                self.problems += reader.problems
                continue
            first = seen.setdefault(key, at)
            if first is not at:
                field_name = "registry_code" if kind == AWARDING_BODIES else "version"
                self.problems.append(RowProblem(at, field_name, f"duplicate of row {first.row}"))
            elif kind == AWARDING_BODIES:
                self.awarding_bodies.append(body)
            else:
                self.standards.append(standard)


def parse_awarding_body(r: RowReader) -> AwardingBodyRecord:
    """An awarding body from a row; problems go to `r`."""
    code = r.text("registry_code", max_length=16)
    if code and not registrikood.is_valid(code):
        r.problem("registry_code", REGISTRY_CODE_REASON)
    return AwardingBodyRecord(
        at=r.at,
        registry_code=code,
        name=r.text("name"),
        email=r.optional_text("email", pattern=EMAIL, expected="an e-mail address"),
    )


def parse_standard(r: RowReader) -> StandardRecord:
    """A standard version from a row; problems go to `r`."""
    ekr_level = r.integer("ekr_level", minimum=1, maximum=8)
    valid_from = r.date("valid_from")
    valid_until = r.optional_date("valid_until")
    awarding_allowed_until = r.optional_date("awarding_allowed_until")
    for name, day in (
        ("valid_until", valid_until),
        ("awarding_allowed_until", awarding_allowed_until),
    ):
        if day is not None and valid_from != date.min and day < valid_from:
            r.problem(name, "must not be before valid_from")
    bodies = _names(r, "awarding_bodies", max_length=16)
    for position, code in enumerate(bodies, start=1):
        if not registrikood.is_valid(code):
            r.problem("awarding_bodies", f"item {position} {REGISTRY_CODE_REASON}")
    return StandardRecord(
        at=r.at,
        code=r.text("code", max_length=16, pattern=STANDARD_CODE, expected="a code"),
        version=r.integer("version", minimum=1, maximum=999),
        name=r.text("name"),
        name_en=r.optional_text("name_en"),
        kind=r.optional_text("kind", max_length=64) or "kutsestandard",
        field_of_activity=r.optional_text("field_of_activity"),
        occupational_area=r.text("occupational_area"),
        occupation_group=r.optional_text("occupation_group"),
        ekr_level=ekr_level,
        eqf_level=r.optional_integer("eqf_level", minimum=1, maximum=8) or ekr_level,
        isco=r.optional_text("isco", max_length=4, pattern=ISCO, expected="an ISCO code"),
        isced=r.optional_text("isced", max_length=16, pattern=DIGITS, expected="digits"),
        emtak=r.optional_text("emtak", max_length=16, pattern=DIGITS, expected="digits"),
        valid_from=valid_from,
        valid_until=valid_until,
        awarding_allowed_until=awarding_allowed_until,
        changes=r.optional_text("changes", max_length=10_000),
        partial_qualifications=_names(r, "partial_qualifications"),
        specialisations=_names(r, "specialisations"),
        awarding_bodies=bodies,
    )


def _names(r: RowReader, name: str, *, max_length: int = 255) -> tuple[str, ...]:
    """A list of distinct, non-empty strings (absent: none)."""
    value = r.values.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        r.problem(name, "must be a list of text")
        return ()
    items = [item.strip() for item in value]
    if any(not item or len(item) > max_length for item in items):
        r.problem(name, f"items must be 1 to {max_length} characters")
    elif len(set(items)) != len(items):
        r.problem(name, "lists the same item twice")
    return tuple(items)
