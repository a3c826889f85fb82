"""Certificates in the public register."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from schema.enums import CertificateKind
from schema.limits import SEARCH, at_most
from schema.node import Node


@strawberry.type(description="A certificate in the public register; never shows personal codes.")
class Certificate(Node):
    register_number: int = strawberry.field(description="Register number.")
    kind: CertificateKind = strawberry.field(description="Certificate or partial certificate.")
    holder_first_name: str = strawberry.field(description="Holder's first name.")
    holder_last_name: str = strawberry.field(description="Holder's last name.")
    standard_name: str = strawberry.field(description="Name of the standard.")
    standard_version: int = strawberry.field(description="Version of the standard.")
    partial_qualification: str | None = strawberry.field(
        description="The partial qualification, for a partial certificate."
    )
    specialisation: str | None = strawberry.field(description="Specialisation, if any.")
    ekr_level: int = strawberry.field(description="EKR level.")
    awarding_body: str = strawberry.field(description="Awarding body that issued it.")
    valid_from: date = strawberry.field(description="Valid from.")
    valid_until: date | None = strawberry.field(description="Valid until.")
    on_school_leaving_document: bool = strawberry.field(
        description="Recorded on a school-leaving document."
    )
    issued_at: datetime = strawberry.field(description="When it was issued.")
    protocol_number: str | None = strawberry.field(
        description="The commission protocol the certificate rests on."
    )
    annulled_at: datetime | None = strawberry.field(
        default=None,
        description="When the certificate was annulled (e.g. after an upheld appeal); an "
        "annulled certificate stays in the register and is no longer valid.",
    )
    annulment_reason: str | None = strawberry.field(
        default=None, description="Why it was annulled."
    )


@strawberry.input(description="Filters for the certificate register.")
class CertificateFilter:
    name: str | None = strawberry.field(
        default=None, description="Part of the holder's name.", metadata=at_most(SEARCH)
    )
    standard: str | None = strawberry.field(
        default=None, description="Part of the standard's name.", metadata=at_most(SEARCH)
    )
    valid_on: date | None = strawberry.field(
        default=None, description="Valid on this day (never an annulled certificate)."
    )
