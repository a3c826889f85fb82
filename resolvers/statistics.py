"""The register's public figures and the exam statistics of the roles that report."""

from __future__ import annotations

import strawberry

from models.clock import today
from models.statistics import public_figures
from schema.statistics import Statistics


@strawberry.type
class StatisticsQuery:
    @strawberry.field(
        description="The register's figures: public home-page figures, and exam statistics "
        "for the roles that report."
    )
    async def statistics(self) -> Statistics:
        figures = await public_figures(today())
        return Statistics(
            valid_standards=figures.valid_standards,
            occupational_areas=figures.occupational_areas,
            certificates_issued=figures.certificates_issued,
            certificates_valid=figures.certificates_valid,
            partial_certificates_issued=figures.partial_certificates_issued,
            school_leaving_qualifications=figures.school_leaving_qualifications,
        )
