"""Protocols and their signatures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from schema.enums import ProtocolKind, ProtocolStatus, SignatureMethod
from schema.loading import loaded
from schema.node import Node, to_global_id
from schema.person import Person

PROTOCOL_COLUMNS = ("id", "exam_id", "group_id", "kind", "number", "date", "status")


@strawberry.type(description="A signature on a protocol.")
class Signature:
    signer: Person = strawberry.field(description="Who signed.")
    signer_role: str = strawberry.field(description="In what capacity, e.g. CHAIR.")
    method: SignatureMethod = strawberry.field(description="How the signature was made.")
    signed_at: datetime = strawberry.field(description="When it was signed.")
    timestamp_at: datetime | None = strawberry.field(
        description="Time in the timestamp authority's token, if any."
    )
    certificate_subject: str = strawberry.field(description="Subject of the signing certificate.")


@strawberry.type(description="An assessment protocol (per group) or the commission protocol.")
class Protocol(Node):
    pk: strawberry.Private[int]
    group_id: strawberry.Private[int | None]
    kind: ProtocolKind = strawberry.field(description="Assessment or commission protocol.")
    number: str | None = strawberry.field(
        description="Commission protocol number, KP-<registry code>-<year>-<n>."
    )
    date: date = strawberry.field(description="Date of the protocol.")
    status: ProtocolStatus = strawberry.field(description="Signing state.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Protocol:
        return cls(
            id=to_global_id("Protocol", row["id"]),
            pk=row["id"],
            group_id=row["group_id"],
            kind=row["kind"],
            number=row["number"],
            date=row["date"],
            status=row["status"],
        )

    signatures: list[Signature] = loaded(
        "signatures_by_protocol",
        "pk",
        description="Signatures made so far.",
        cost_bound=8,
    )
