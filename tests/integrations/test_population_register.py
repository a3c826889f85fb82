"""The population register: the code is checked first, names compare with Estonian letters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from integrations.population_register import (
    FilePopulationRegister,
    InvalidPersonalCode,
    Outcome,
    check_personal_code,
    same_name,
)
from models.personal_code import make_personal_code

REGISTER = (
    Path(__file__).resolve().parents[2] / "integrations/population_register/local_register.csv"
)


@pytest.fixture
def register() -> FilePopulationRegister:
    return FilePopulationRegister(REGISTER)


async def test_a_matching_name_matches_whatever_its_case(register):
    exact = await register.verify("38504122318", "Tõnis", "Õun")
    shouted = await register.verify("38504122318", "TÕNIS", "ÕUN")

    assert exact.outcome is Outcome.MATCH
    assert shouted.outcome is Outcome.MATCH


async def test_estonian_letters_are_letters_of_their_own(register):
    result = await register.verify("38504122318", "Tõnis", "Oun")

    assert result.outcome is Outcome.MISMATCH
    assert (result.registered_first_name, result.registered_last_name) == ("Tõnis", "Õun")
    assert not same_name("Sööt", "Soot")
    assert same_name("Mari-Liis  Tamm", "mari-liis tamm")


async def test_a_valid_code_the_register_does_not_know_is_unknown(register):
    stranger = make_personal_code(date(1970, 5, 5), 999)

    result = await register.verify(stranger, "Jaan", "Tamm")

    assert result.outcome is Outcome.UNKNOWN
    assert result.registered_last_name is None


@pytest.mark.parametrize(
    "code",
    [
        "5000011511",
        "38504122319",
        "38513122318",
        "3850412231X",
        make_personal_code(date(2099, 1, 1), 1),
    ],
)
async def test_an_impossible_code_is_refused_before_the_register_is_asked(code):
    nowhere = FilePopulationRegister(Path("/nonexistent/register.csv"))

    with pytest.raises(InvalidPersonalCode) as raised:
        await nowhere.verify(code, "A", "B")

    assert code not in str(raised.value)


def test_the_birth_date_comes_from_the_code():
    assert check_personal_code("38001085718") == date(1980, 1, 8)
    assert check_personal_code("60001019906") == date(2000, 1, 1)
