"""Curricula (õppekavad)."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from models.curriculum import final_course
from schema.limits import SEARCH, at_most
from schema.loading import loaded
from schema.node import Node, to_global_id
from schema.organisation import School
from schema.standard import Standard


@strawberry.type(description="A curriculum registered in EHIS.")
class Curriculum(Node):
    pk: strawberry.Private[int]
    school_id: strawberry.Private[int]
    ehis_code: str = strawberry.field(description="EHIS curriculum code, e.g. '130237'.")
    name: str = strawberry.field(description="Name of the curriculum.")
    level_type_code: str = strawberry.field(description="Level and type code, e.g. '441'.")
    level_type_name: str = strawberry.field(description="Level and type in words.")
    nominal_years: int = strawberry.field(description="Nominal duration: years.")
    nominal_months: int = strawberry.field(description="Nominal duration: months.")
    registered_on: date = strawberry.field(description="Registration date in EHIS.")
    admission_open: bool = strawberry.field(description="Whether admission is open.")
    compound: bool = strawberry.field(description="A compound curriculum (liitõppekava).")
    curriculum_group: str | None = strawberry.field(
        description="Curriculum group (õppekavarühm): the ISCED-F narrow field code, e.g. "
        "'0715'. Compensation rates are set per group."
    )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Curriculum:
        return cls(
            id=to_global_id("Curriculum", row["id"]),
            pk=row["id"],
            school_id=row["school_id"],
            **{key: row[key] for key in _SCALARS},
        )

    @strawberry.field(description="Course number of the final year.")
    def final_course(self) -> int:
        return final_course(self.nominal_years, self.nominal_months)

    school: School = loaded(
        lambda loaders: loaders.organisation.school,
        "school_id",
        description="The school that teaches it.",
    )

    standards: list[Standard] = loaded(
        lambda loaders: loaders.standard.by_curriculum,
        "pk",
        description="Standards the curriculum is linked to in EHIS.",
        cost_bound=5,
    )


_SCALARS = (
    "ehis_code",
    "name",
    "level_type_code",
    "level_type_name",
    "nominal_years",
    "nominal_months",
    "registered_on",
    "admission_open",
    "compound",
    "curriculum_group",
)
CURRICULUM_COLUMNS = ("id", "school_id", *_SCALARS)


@strawberry.input(description="Filters for curricula.")
class CurriculumFilter:
    search: str | None = strawberry.field(
        default=None, description="Part of the name, or the EHIS code.", metadata=at_most(SEARCH)
    )
    school: strawberry.ID | None = strawberry.field(default=None, description="The school.")
    standard: strawberry.ID | None = strawberry.field(
        default=None, description="A linked standard."
    )
    admission_open: bool | None = strawberry.field(
        default=None, description="Admission open or closed."
    )
