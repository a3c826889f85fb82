"""Compensation of exam costs to awarding bodies: the rate table the registry keeps.

A rate is a ceiling in euro cents per state-funded participant, for one curriculum group
(õppekavarühm, an ISCED-F narrow field code) and one exam type, in force from `valid_from`
until a rate of the same group and type with a later `valid_from` supersedes it. Rates are
never edited in place, so every figure computed with one stays traceable to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

from models.base import TimestampedModel
from models.enums import ExamType, sql_in

if TYPE_CHECKING:
    from models.person import Person


class CompensationRate(TimestampedModel):
    created_by_id: int | None

    curriculum_group = fields.CharField(max_length=4)
    exam_type = fields.CharEnumField(ExamType, max_length=16)
    valid_from = fields.DateField()
    amount_cents = fields.IntField()
    # The legal basis or a note the registry keeps with the rate (e.g. a regulation number).
    basis = fields.CharField(max_length=255, null=True)
    created_by: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="compensation_rates", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "compensation_rate"
        unique_together = (("curriculum_group", "exam_type", "valid_from"),)
        constraints = (
            CheckConstraint(check="amount_cents >= 0", name="compensation_rate_amount_chk"),
            CheckConstraint(
                check=sql_in("exam_type", ExamType), name="compensation_rate_exam_type_chk"
            ),
            CheckConstraint(
                check="length(curriculum_group) = 4", name="compensation_rate_group_chk"
            ),
        )


@dataclass(frozen=True)
class Rate:
    """A rate as the computation needs it."""

    id: int
    curriculum_group: str
    exam_type: ExamType
    valid_from: date
    amount_cents: int


class RateTable:
    """The rates, looked up by curriculum group, exam type and day."""

    def __init__(self, rates: Iterable[Rate]) -> None:
        self._rates: dict[tuple[str, ExamType], list[Rate]] = {}
        for rate in rates:
            self._rates.setdefault((rate.curriculum_group, rate.exam_type), []).append(rate)
        for versions in self._rates.values():
            versions.sort(key=lambda r: r.valid_from, reverse=True)

    @classmethod
    async def load(cls) -> RateTable:
        rows = await CompensationRate.all().values(
            "id", "curriculum_group", "exam_type", "valid_from", "amount_cents"
        )
        return cls(
            Rate(
                id=row["id"],
                curriculum_group=row["curriculum_group"],
                exam_type=ExamType(row["exam_type"]),
                valid_from=row["valid_from"],
                amount_cents=row["amount_cents"],
            )
            for row in rows
        )

    def in_force(self, curriculum_group: str | None, exam_type: ExamType, day: date) -> Rate | None:
        """The rate in force on `day`: the latest one that started on or before it."""
        if curriculum_group is None:
            return None
        for rate in self._rates.get((curriculum_group, exam_type), ()):
            if rate.valid_from <= day:
                return rate
        return None
