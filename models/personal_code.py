"""The Estonian personal identification code (isikukood), checked by python-stdnum."""

from __future__ import annotations

from datetime import date

from stdnum.ee import ik
from stdnum.exceptions import ValidationError


def is_valid_personal_code(value: str) -> bool:
    return isinstance(value, str) and len(value) == 11 and ik.is_valid(value)


def birth_date(value: str) -> date:
    return ik.get_birth_date(value)


def describe_invalid(value: str) -> str:
    """Why a personal code is invalid, in plain words (for error messages)."""
    try:
        ik.validate(value)
    except ValidationError as error:
        return str(error) or type(error).__name__
    return "valid"


def make_personal_code(born: date, serial: int, *, female: bool = False) -> str:
    """A valid personal code for someone born on `born` (serial 0-999), check digit from
    python-stdnum; for demo data, tests and benchmarks."""
    century = (born.year - 1800) // 100  # 0: 1800s, 1: 1900s, 2: 2000s
    body = f"{1 + 2 * century + female}{born:%y%m%d}{serial % 1000:03d}"
    return body + ik.calc_check_digit(body + "0")
