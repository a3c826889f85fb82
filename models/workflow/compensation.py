"""The registry admin keeps the compensation rate table: adding a rate, and superseding one
from a later date. Rates are never changed in place, so past figures stay traceable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.exceptions import IntegrityError

from models.access import Viewer, may_manage_compensation_rates
from models.compensation import CompensationRate
from models.enums import ExamType
from models.events import transaction
from models.workflow.common import audit
from models.workflow.errors import DomainError, Problem, fail, problem

# Far above any real ceiling (the state pays tens of euros per participant), far below the
# 32-bit integers GraphQL and the column carry.
MAX_AMOUNT_CENTS = 10_000_000


@dataclass(frozen=True)
class RateInput:
    curriculum_group: str
    exam_type: ExamType
    valid_from: date
    amount_cents: int
    basis: str | None = None


def _check(values: RateInput) -> None:
    problems: list[Problem] = []
    if not (len(values.curriculum_group) == 4 and values.curriculum_group.isdigit()):
        problems.append(
            problem(
                "INVALID_INPUT",
                ["curriculumGroup"],
                detail="Õppekavarühm on neljakohaline ISCED-F kood, nt 0715. / "
                "The curriculum group is a four-digit ISCED-F code, e.g. 0715.",
            )
        )
    if not 0 <= values.amount_cents <= MAX_AMOUNT_CENTS:
        problems.append(
            problem(
                "INVALID_INPUT",
                ["amountCents"],
                detail=f"Summa sentides 0 kuni {MAX_AMOUNT_CENTS}. / "
                f"The amount in cents, 0 to {MAX_AMOUNT_CENTS}.",
            )
        )
    if problems:
        raise DomainError(problems)


async def add_rate(viewer: Viewer, values: RateInput) -> CompensationRate:
    """A new rate; one of the same group and type with an earlier date stops at its date."""
    if not may_manage_compensation_rates(viewer):
        raise fail("FORBIDDEN")
    _check(values)
    try:
        async with transaction() as connection:
            rate = await CompensationRate.create(
                using_db=connection,
                curriculum_group=values.curriculum_group,
                exam_type=values.exam_type,
                valid_from=values.valid_from,
                amount_cents=values.amount_cents,
                basis=values.basis,
                created_by_id=viewer.person_id,
            )
            await audit(
                connection,
                viewer,
                action="compensation_rate.add",
                exam_id=None,
                entity="compensation_rate",
                entity_id=rate.id,
                before=None,
                after={
                    "curriculum_group": rate.curriculum_group,
                    "exam_type": rate.exam_type,
                    "valid_from": rate.valid_from,
                    "amount_cents": rate.amount_cents,
                    "basis": rate.basis,
                },
            )
    except IntegrityError:
        raise fail(
            "RATE_EXISTS",
            ["validFrom"],
            group=values.curriculum_group,
            exam_type=values.exam_type.value,
            day=values.valid_from.isoformat(),
        ) from None
    return rate


async def supersede_rate(
    viewer: Viewer, rate_id: int, valid_from: date, amount_cents: int, basis: str | None
) -> CompensationRate:
    """A new rate for the same group and type as `rate_id`, in force from a later day."""
    if not may_manage_compensation_rates(viewer):
        raise fail("FORBIDDEN")
    current = await CompensationRate.get_or_none(id=rate_id)
    if current is None:
        raise fail("NOT_FOUND", ["id"])
    if valid_from <= current.valid_from:
        raise fail("RATE_NOT_NEWER", ["validFrom"], day=current.valid_from.isoformat())
    return await add_rate(
        viewer,
        RateInput(
            curriculum_group=current.curriculum_group,
            exam_type=ExamType(current.exam_type),
            valid_from=valid_from,
            amount_cents=amount_cents,
            basis=basis,
        ),
    )
