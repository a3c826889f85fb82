"""The public certificate register."""

from __future__ import annotations

from typing import Any

import strawberry
from tortoise.expressions import Q

from models.certificate import Certificate as CertificateRow
from models.search import words_in
from resolvers.pagination import keyset_page
from schema.certificate import Certificate, CertificateFilter
from schema.connection import Connection
from schema.info import Info
from schema.node import to_global_id

# Never the holder's personal code: the register is public.
CERTIFICATE_COLUMNS = {
    "id": "id",
    "register_number": "register_number",
    "kind": "kind",
    "holder_first_name": "person__first_name",
    "holder_last_name": "person__last_name",
    "standard_name": "standard__name",
    "standard_version": "standard__version",
    "partial_qualification": "partial_qualification__name",
    "specialisation": "specialisation__name",
    "ekr_level": "ekr_level",
    "awarding_body": "awarding_body__name",
    "valid_from": "valid_from",
    "valid_until": "valid_until",
    "on_school_leaving_document": "on_school_leaving_document",
    "issued_at": "issued_at",
    "protocol_number": "protocol__number",
    "annulled_at": "annulled_at",
    "annulment_reason": "annulment_reason",
}


def _filter(f: CertificateFilter | None) -> Q:
    if f is None:
        return Q()
    q = Q()
    if f.name:
        q &= words_in("person__first_name", "person__last_name", search=f.name)
    if f.standard:
        q &= words_in("standard__name", search=f.standard)
    if f.valid_on:
        q &= Q(valid_from__lte=f.valid_on, annulled_at__isnull=True) & Q(
            Q(valid_until__isnull=True), Q(valid_until__gte=f.valid_on), join_type="OR"
        )
    return q


def _build(row: dict[str, Any]) -> Certificate:
    values = {key: row[key] for key in CERTIFICATE_COLUMNS if key != "id"}
    return Certificate(id=to_global_id("Certificate", row["id"]), **values)


@strawberry.type
class CertificateQuery:
    @strawberry.field(description="The public register of issued certificates, newest first.")
    async def certificates(
        self, first: int = 20, after: str | None = None, filter: CertificateFilter | None = None
    ) -> Connection[Certificate]:
        return await keyset_page(
            CertificateRow.filter(_filter(filter)),
            order=["-register_number"],
            columns=CERTIFICATE_COLUMNS,
            first=first,
            after=after,
            build=_build,
        )

    @strawberry.field(
        description="The signed-in person's own certificates, newest first (empty when public)."
    )
    async def my_certificates(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[Certificate]:
        person_id = info.context.viewer.person_id
        return await keyset_page(
            CertificateRow.filter(person_id=person_id if person_id is not None else -1),
            order=["-register_number"],
            columns=CERTIFICATE_COLUMNS,
            first=first,
            after=after,
            build=_build,
        )
