"""Occupational standards and what hangs off them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from models.clock import today
from models.standard import Standard as StandardRow
from models.standard import standard_status
from schema.enums import StandardStatus
from schema.limits import SEARCH, at_most, column
from schema.loading import loaded
from schema.node import Node, to_global_id
from schema.organisation import AwardingBody, School

if TYPE_CHECKING:
    from schema.curriculum import Curriculum


@strawberry.type(description="A partial qualification (osakutse) within a standard.")
class PartialQualification(Node):
    name: str = strawberry.field(description="Name, e.g. 'IT-tehnik, tase 4'.")


@strawberry.type(description="A specialisation within a standard.")
class Specialisation(Node):
    name: str = strawberry.field(description="Name of the specialisation.")


@strawberry.type(description="One version of an occupational standard (kutsestandard).")
class Standard(Node):
    pk: strawberry.Private[int]
    code: str = strawberry.field(description="Register code shared by all versions.")
    version: int = strawberry.field(description="Version number.")
    name: str = strawberry.field(description="Name in Estonian, e.g. 'Keevitaja, tase 4'.")
    name_en: str | None = strawberry.field(description="Name in English.")
    field_of_activity: str | None = strawberry.field(
        description="Field of activity (kutsetegevuse valdkond)."
    )
    occupational_area: str = strawberry.field(description="Occupational area (kutseala).")
    occupation_group: str | None = strawberry.field(description="Occupation group (kutse grupp).")
    kind: str = strawberry.field(description="Type of the standard.")
    ekr_level: int = strawberry.field(description="Estonian qualification framework (EKR) level.")
    eqf_level: int = strawberry.field(description="European qualification framework level.")
    isco: str | None = strawberry.field(description="ISCO occupation code.")
    isced: str | None = strawberry.field(description="ISCED field code.")
    emtak: str | None = strawberry.field(description="EMTAK economic activity code.")
    valid_from: date = strawberry.field(description="First day of validity.")
    valid_until: date | None = strawberry.field(description="Last day of validity.")
    awarding_allowed_until: date | None = strawberry.field(
        description="After expiry, awarding may continue until this day for students who "
        "studied under this version."
    )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Standard:
        return cls(
            id=to_global_id("Standard", row["id"]),
            pk=row["id"],
            **{key: row[key] for key in _SCALARS},
        )

    @strawberry.field(description="Validity today.")
    def status(self) -> StandardStatus:
        return standard_status(self.valid_from, self.valid_until, today())

    partial_qualifications: list[PartialQualification] = loaded(
        lambda loaders: loaders.standard.partial_qualifications,
        "pk",
        description="Partial qualifications of this version.",
        cost_bound=10,
    )

    specialisations: list[Specialisation] = loaded(
        lambda loaders: loaders.standard.specialisations,
        "pk",
        description="Specialisations of this version.",
        cost_bound=10,
    )

    awarding_bodies: list[AwardingBody] = loaded(
        lambda loaders: loaders.organisation.awarding_bodies_by_standard,
        "pk",
        description="Awarding bodies that award this standard.",
        cost_bound=10,
    )

    curricula: list[Annotated[Curriculum, strawberry.lazy("schema.curriculum")]] = loaded(
        lambda loaders: loaders.curriculum.by_standard,
        "pk",
        description="Curricula linked to this standard in EHIS.",
    )

    schools: list[School] = loaded(
        lambda loaders: loaders.organisation.schools_by_standard,
        "pk",
        description="Schools where this qualification can be learned.",
    )


_SCALARS = (
    "code",
    "version",
    "name",
    "name_en",
    "field_of_activity",
    "occupational_area",
    "occupation_group",
    "kind",
    "ekr_level",
    "eqf_level",
    "isco",
    "isced",
    "emtak",
    "valid_from",
    "valid_until",
    "awarding_allowed_until",
)
STANDARD_COLUMNS = ("id", *_SCALARS)


@strawberry.input(description="Filters for the standards search; all given ones must match.")
class StandardFilter:
    name: str | None = strawberry.field(
        default=None, description="Part of the name.", metadata=at_most(SEARCH)
    )
    field_of_activity: str | None = strawberry.field(
        default=None,
        description="Field of activity, exactly.",
        metadata=column(StandardRow, "field_of_activity"),
    )
    occupational_area: str | None = strawberry.field(
        default=None,
        description="Occupational area, exactly.",
        metadata=column(StandardRow, "occupational_area"),
    )
    occupation_group: str | None = strawberry.field(
        default=None,
        description="Occupation group, exactly.",
        metadata=column(StandardRow, "occupation_group"),
    )
    curriculum: str | None = strawberry.field(
        default=None,
        description="Part of a linked curriculum's name, or its EHIS code.",
        metadata=at_most(SEARCH),
    )
    school: strawberry.ID | None = strawberry.field(
        default=None, description="A school where it can be learned."
    )
    kind: str | None = strawberry.field(
        default=None, description="Type, exactly.", metadata=column(StandardRow, "kind")
    )
    specialisation: str | None = strawberry.field(
        default=None, description="Part of a specialisation's name.", metadata=at_most(SEARCH)
    )
    partial_qualification: str | None = strawberry.field(
        default=None,
        description="Part of a partial qualification's name.",
        metadata=at_most(SEARCH),
    )
    ekr_level: int | None = strawberry.field(default=None, description="EKR level.")
    eqf_level: int | None = strawberry.field(default=None, description="EQF level.")
    isco: str | None = strawberry.field(
        default=None, description="ISCO code prefix.", metadata=column(StandardRow, "isco")
    )
    isced: str | None = strawberry.field(
        default=None, description="ISCED code prefix.", metadata=column(StandardRow, "isced")
    )
    emtak: str | None = strawberry.field(
        default=None, description="EMTAK code prefix.", metadata=column(StandardRow, "emtak")
    )
    status: StandardStatus | None = strawberry.field(default=None, description="Validity today.")
