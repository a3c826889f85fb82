"""The public standards search (seed 000's filters)."""

from __future__ import annotations

from datetime import date

import strawberry
from tortoise.expressions import Q, Subquery

from models.clock import today
from models.curriculum import Curriculum, CurriculumStandard
from models.enums import StandardStatus
from models.search import name_or_code, words_in
from models.standard import PartialQualification, Specialisation
from models.standard import Standard as StandardRow
from resolvers.ids import pk_of
from resolvers.pagination import keyset_page
from schema.connection import Connection
from schema.info import Info
from schema.standard import STANDARD_COLUMNS, Standard, StandardFilter


def _status_filter(status: StandardStatus, today: date) -> Q:
    if status is StandardStatus.UPCOMING:
        return Q(valid_from__gt=today)
    if status is StandardStatus.EXPIRED:
        return Q(valid_until__lt=today)
    return Q(
        Q(valid_from__lte=today),
        Q(Q(valid_until__isnull=True), Q(valid_until__gte=today), join_type="OR"),
    )


def standard_filter(f: StandardFilter | None, today: date) -> Q:
    if f is None:
        return Q()
    q = Q()
    if f.name:
        q &= words_in("name", search=f.name)
    for attribute in ("field_of_activity", "occupational_area", "occupation_group", "kind"):
        if (value := getattr(f, attribute)) is not None:
            q &= Q(**{attribute: value})
    for attribute in ("isco", "isced", "emtak"):
        if (value := getattr(f, attribute)) is not None:
            q &= Q(**{f"{attribute}__startswith": value})
    if f.ekr_level is not None:
        q &= Q(ekr_level=f.ekr_level)
    if f.eqf_level is not None:
        q &= Q(eqf_level=f.eqf_level)
    if f.status is not None:
        q &= _status_filter(StandardStatus(f.status), today)
    if f.curriculum:
        links = CurriculumStandard.filter(
            name_or_code(
                f.curriculum,
                name="curriculum__name",
                code="curriculum__ehis_code",
                code_column=(Curriculum, "ehis_code"),
            )
        )
        q &= Q(id__in=Subquery(links.values("standard_id")))
    if f.school:
        school_id = pk_of(f.school, "School", argument="filter.school")
        links = CurriculumStandard.filter(curriculum__school_id=school_id)
        q &= Q(id__in=Subquery(links.values("standard_id")))
    if f.specialisation:
        specialisations = Specialisation.filter(words_in("name", search=f.specialisation))
        q &= Q(id__in=Subquery(specialisations.values("standard_id")))
    if f.partial_qualification:
        partials = PartialQualification.filter(words_in("name", search=f.partial_qualification))
        q &= Q(id__in=Subquery(partials.values("standard_id")))
    return q


@strawberry.type
class StandardQuery:
    @strawberry.field(description="Search occupational standards (public), by name.")
    async def standards(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: StandardFilter | None = None,
    ) -> Connection[Standard]:
        loaders = info.context.loaders

        def build(row: dict) -> Standard:
            standard = Standard.from_row(row)
            loaders.standard.by_id.prime(standard.pk, standard)
            return standard

        return await keyset_page(
            StandardRow.filter(standard_filter(filter, today())),
            order=["name", "version", "id"],
            columns={c: c for c in STANDARD_COLUMNS},
            first=first,
            after=after,
            build=build,
        )

    @strawberry.field(description="One standard version.")
    async def standard(self, info: Info, id: strawberry.ID) -> Standard | None:
        pk = pk_of(id, "Standard")
        return await info.context.loaders.standard.by_id.load(pk)
