"""The population register (rahvastikuregister): is this person who they say they are?

The real register is reached through X-tee, which this environment cannot reach; the
`FilePopulationRegister` answers the same question from a CSV export (personal code, first
name, last name). The composition root picks one from settings. Whatever the source, the
personal code's checksum and birth date are checked first, with python-stdnum.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from stdnum.ee import ik
from stdnum.exceptions import ValidationError

from models.clock import today as estonian_today


class Outcome(StrEnum):
    MATCH = "MATCH"
    MISMATCH = "MISMATCH"
    UNKNOWN = "UNKNOWN"


class InvalidPersonalCode(ValueError):
    """The code fails its checksum or names an impossible or future birth date."""


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    registered_first_name: str | None = None
    registered_last_name: str | None = None


class PopulationRegister(Protocol):
    async def verify(self, personal_code: str, first_name: str, last_name: str) -> Verification:
        """Compare a person's name with the register's.

        Raises:
            InvalidPersonalCode: before asking the register, when the code cannot be right.
        """
        ...


def check_personal_code(personal_code: str, *, today: date | None = None) -> date:
    """The birth date in a valid personal code.

    Raises:
        InvalidPersonalCode: the checksum fails, or the birth date is impossible or in the
            future. The message never repeats the code.
    """
    try:
        ik.validate(personal_code)
        born: date = ik.get_birth_date(personal_code)
    except ValidationError as error:
        raise InvalidPersonalCode(str(error) or "invalid personal code") from None
    if born > (today or estonian_today()):
        raise InvalidPersonalCode("the birth date is in the future")
    return born


def same_name(given: str, registered: str) -> bool:
    """Names compare without case and spacing but with Estonian letters intact: Õun ≠ Oun."""

    def normal(name: str) -> str:
        return " ".join(unicodedata.normalize("NFC", name).casefold().split())

    return normal(given) == normal(registered)


class FilePopulationRegister:
    """The register as a CSV file with the columns personal_code, first_name, last_name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._people: dict[str, tuple[str, str]] | None = None

    def _load(self) -> dict[str, tuple[str, str]]:
        if self._people is None:
            with self.path.open(encoding="utf-8", newline="") as handle:
                self._people = {
                    row["personal_code"].strip(): (row["first_name"], row["last_name"])
                    for row in csv.DictReader(handle)
                }
        return self._people

    async def verify(self, personal_code: str, first_name: str, last_name: str) -> Verification:
        """See PopulationRegister.verify."""
        check_personal_code(personal_code)
        found = self._load().get(personal_code)
        if found is None:
            return Verification(Outcome.UNKNOWN)
        registered_first, registered_last = found
        if same_name(first_name, registered_first) and same_name(last_name, registered_last):
            return Verification(Outcome.MATCH, registered_first, registered_last)
        return Verification(Outcome.MISMATCH, registered_first, registered_last)
