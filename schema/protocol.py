"""Protocols and their signatures."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

from models.access import may_download_extract, may_download_protocol
from schema.describe import described_enum
from schema.enums import ProtocolKind, ProtocolStatus, SignatureMethod
from schema.info import Info
from schema.loading import loaded
from schema.node import Node, to_global_id
from schema.person import Person
from signing.verify import VerificationReport

VERIFICATION_COST = 200


class PadesLevel(Enum):
    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"


described_enum(
    PadesLevel,
    description="How long a PAdES signature stays verifiable (ETSI EN 319 142-1 baselines).",
    values={
        PadesLevel.B_B: "Signed, with no timestamp: verifiable only while the signer's "
        "certificate is valid and its revocation status can be asked.",
        PadesLevel.B_T: "Signed and timestamped: the time of signing is proven, but checking "
        "the certificate still needs its authority's answer.",
        PadesLevel.B_LT: "Timestamped, and the document carries the certificates and OCSP "
        "answers of every signature and timestamp: verifiable offline.",
        PadesLevel.B_LTA: "B-LT under an archive timestamp: verifiable for decades, as long "
        "as archive timestamps are renewed before their TSA certificates expire.",
    },
)
PROTOCOL_COLUMNS = (
    "id",
    "exam_id",
    "group_id",
    "kind",
    "number",
    "date",
    "status",
    "version",
    "superseded_at",
)


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
    exam_id: strawberry.Private[int]
    group_id: strawberry.Private[int | None]
    kind: ProtocolKind = strawberry.field(description="Assessment or commission protocol.")
    number: str | None = strawberry.field(
        description="Commission protocol number, KP-<registry code>-<year>-<n>."
    )
    date: date = strawberry.field(description="Date of the protocol.")
    status: ProtocolStatus = strawberry.field(description="Signing state.")
    version: int = strawberry.field(description="Goes up with every signature.")
    superseded_at: datetime | None = strawberry.field(
        default=None,
        description="When a corrected protocol (after an upheld appeal) replaced this one; "
        "the superseded protocol stays as signed and verifiable.",
    )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Protocol:
        return cls(
            id=to_global_id("Protocol", row["id"]),
            pk=row["id"],
            exam_id=row["exam_id"],
            group_id=row["group_id"],
            kind=row["kind"],
            number=row["number"],
            date=row["date"],
            status=row["status"],
            version=row["version"],
            superseded_at=row.get("superseded_at"),
        )

    signatures: list[Signature] = loaded(
        lambda loaders: loaders.protocol.signatures,
        "pk",
        description="Signatures made so far.",
        cost_bound=8,
    )
    signers: list[ProtocolSigner] = loaded(
        lambda loaders: loaders.protocol.signers,
        "pk",
        description="The people designated to sign, in signing order.",
        cost_bound=8,
    )

    @strawberry.field(
        description="Where to download the protocol PDF (signed once signed); null when "
        "you may not download it. Send the same bearer token."
    )
    def document_url(self, info: Info) -> str | None:
        return self.document_path(info)

    def document_path(self, info: Info) -> str | None:
        if not may_download_protocol(info.context.viewer, self.kind, self.group_id):
            return None
        return f"/documents/protocols/{self.id}"

    @strawberry.field(
        description="An absolute link to the protocol PDF that a browser opens without a "
        "header: signed for you and this document only, valid for a few minutes "
        "(EH_DOWNLOAD_URL_SECONDS). Ask again for a fresh one; an expired or altered link "
        "answers 403. Null when `documentUrl` is."
    )
    def document_download_url(self, info: Info) -> str | None:
        path = self.document_path(info)
        return None if path is None else info.context.download_url(path)

    @strawberry.field(
        description="Where the school downloads its extract of the signed commission "
        "protocol; null for other kinds, before signing, and for other roles."
    )
    def extract_url(self, info: Info) -> str | None:
        return self.extract_path(info)

    def extract_path(self, info: Info) -> str | None:
        if self.kind != "COMMISSION" or self.status != "SIGNED":
            return None
        if not may_download_extract(info.context.viewer):
            return None
        return f"/documents/extracts/{self.id}"

    @strawberry.field(
        description="An absolute, signed, short-lived link to the school's extract, as "
        "`documentDownloadUrl` is to the protocol. Null when `extractUrl` is."
    )
    def extract_download_url(self, info: Info) -> str | None:
        path = self.extract_path(info)
        return None if path is None else info.context.download_url(path)

    # Verifying costs tens of milliseconds per document (then cached by its hash), so a
    # query asking it of many protocols is priced accordingly.
    @strawberry.field(
        description="The stored document's signatures checked as anyone would check them.",
        metadata={"cost": VERIFICATION_COST},
    )
    async def verification(self, info: Info) -> DocumentVerification | None:
        return await info.context.loaders.protocol.verification(self.pk, info.context.signing)


@strawberry.type(description="A person designated to sign a protocol.")
class ProtocolSigner:
    person: Person = strawberry.field(description="Who signs.")
    role_label: str = strawberry.field(description="In what capacity, Estonian / English.")
    position: int = strawberry.field(description="Place in the signing order, from 1.")
    signed: bool = strawberry.field(description="Whether they have signed.")


@strawberry.type(description="One signature of a checked document.")
class SignatureVerification:
    field_name: str = strawberry.field(description="The signature field.")
    signer_name: str = strawberry.field(description="Signer's name from the certificate.")
    signing_time: datetime | None = strawberry.field(description="Claimed signing time.")
    timestamp_time: datetime | None = strawberry.field(
        description="Time in the signature's timestamp token, if it has one."
    )
    intact: bool = strawberry.field(description="The signed bytes are unchanged.")
    trusted: bool = strawberry.field(
        description="The certificate (and timestamp) chain to a trusted authority."
    )
    covers_whole_document: bool = strawberry.field(
        description="Nothing was added after this signature."
    )
    modified_after: bool = strawberry.field(
        description="The document was changed after this signature in a way it does not allow."
    )
    level: str = strawberry.field(description="PAdES level: B-B, B-T, B-LT or B-LTA.")


@strawberry.type(description="The result of checking a signed PDF.")
class DocumentVerification:
    valid: bool = strawberry.field(
        description="Signed, every signature intact and trusted, nothing changed after."
    )
    problem: str | None = strawberry.field(
        description="NO_SIGNATURES, NOT_A_PDF, CORRUPT, ENCRYPTED or TOO_LARGE; null if none."
    )
    message: str | None = strawberry.field(description="The problem in words, Estonian / English.")
    signatures: list[SignatureVerification] = strawberry.field(
        description="Every signature, in document order."
    )
    level: PadesLevel | None = strawberry.field(
        default=None,
        description="The document's PAdES level: the lowest of its signatures' levels; "
        "null when it has none.",
    )

    @classmethod
    def of(cls, report: VerificationReport) -> DocumentVerification:
        return cls(
            valid=report.valid,
            problem=report.problem,
            message="Dokumendil pole allkirju. / The document has no signatures."
            if report.problem == "NO_SIGNATURES"
            else None,
            signatures=[
                SignatureVerification(
                    field_name=s.field_name,
                    signer_name=s.signer_name,
                    signing_time=s.signing_time,
                    timestamp_time=s.timestamp_time,
                    intact=s.intact,
                    trusted=s.trusted,
                    covers_whole_document=s.covers_whole_document,
                    modified_after=s.modified_after,
                    level=s.level,
                )
                for s in report.signatures
            ],
            level=PadesLevel(report.level) if report.level else None,
        )
