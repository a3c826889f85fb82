"""The register's public figures (seed 000's home page), computed from the data."""

from __future__ import annotations

import strawberry
from tortoise.expressions import Q

from models.certificate import Certificate
from models.clock import today
from models.enums import CertificateKind
from models.standard import Standard
from schema.statistics import Statistics


@strawberry.type
class StatisticsQuery:
    @strawberry.field(description="Public figures of the register.")
    async def statistics(self) -> Statistics:
        day = today()
        valid_now = Q(valid_from__lte=day) & Q(
            Q(valid_until__isnull=True), Q(valid_until__gte=day), join_type="OR"
        )
        areas = (
            await Standard.filter(valid_now).distinct().values_list("occupational_area", flat=True)
        )
        full = Certificate.filter(kind=CertificateKind.CERTIFICATE)
        return Statistics(
            valid_standards=await Standard.filter(valid_now).count(),
            occupational_areas=len(set(areas)),
            certificates_issued=await full.count(),
            certificates_valid=await full.filter(valid_now).count(),
            partial_certificates_issued=await Certificate.filter(
                kind=CertificateKind.PARTIAL_CERTIFICATE
            ).count(),
            school_leaving_qualifications=await Certificate.filter(
                on_school_leaving_document=True
            ).count(),
        )
