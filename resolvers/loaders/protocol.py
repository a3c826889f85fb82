"""Protocols within the viewer's scope, their signatures and signers, and the check of a
stored signed document."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from functools import cached_property

from strawberry.dataloader import DataLoader

from models.access import Viewer, visible_protocols
from models.protocol import Protocol as ProtocolRow
from models.protocol import ProtocolDocument
from models.protocol import ProtocolSigner as ProtocolSignerRow
from models.protocol import Signature as SignatureRow
from models.workflow.signing import SigningSetup
from resolvers.loaders.batch import batched, by_key, grouped
from resolvers.loaders.person import PERSON_COLUMNS, joined_person
from resolvers.sql import KeyedSelect
from schema.protocol import (
    PROTOCOL_COLUMNS,
    DocumentVerification,
    Protocol,
    ProtocolSigner,
    Signature,
)
from signing.verify import VerificationReport, verify_document

SIGNATURES_BY_PROTOCOL = KeyedSelect(
    "SELECT s.protocol_id, s.signer_role, s.method, s.signed_at, s.timestamp_at, "
    f"s.certificate_subject, s.signer_id AS person_id, {PERSON_COLUMNS} "
    "FROM signature s JOIN person pe ON pe.id = s.signer_id "
    "WHERE s.protocol_id {keys} ORDER BY s.signed_at, s.id",
    sqlite_types={
        "signed_at": (SignatureRow, "signed_at"),
        "timestamp_at": (SignatureRow, "timestamp_at"),
    },
)

# Verifying a stored document costs milliseconds; its bytes only change by a signature,
# which changes its hash, so a result keyed by the hash stays true.
_VERIFIED: OrderedDict[str, VerificationReport] = OrderedDict()
_VERIFIED_MAX = 256


class ProtocolLoaders:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    @cached_property
    def by_id(self) -> DataLoader[int, Protocol | None]:
        async def load(ids: list[int]) -> list[Protocol | None]:
            scope = visible_protocols(self.viewer)
            if scope is None:
                return [None for _ in ids]
            rows = await ProtocolRow.filter(scope, id__in=ids).values(*PROTOCOL_COLUMNS)
            return by_key(ids, ((row["id"], Protocol.from_row(row)) for row in rows))

        return batched(load)

    @cached_property
    def by_exam(self) -> DataLoader[int, list[Protocol]]:
        async def load(exam_ids: list[int]) -> list[list[Protocol]]:
            scope = visible_protocols(self.viewer)
            if scope is None:
                return [[] for _ in exam_ids]
            rows = (
                await ProtocolRow.filter(scope, exam_id__in=exam_ids)
                .order_by("kind", "id")
                .values(*PROTOCOL_COLUMNS)
            )
            return grouped(exam_ids, ((row["exam_id"], Protocol.from_row(row)) for row in rows))

        return batched(load)

    @cached_property
    def signatures(self) -> DataLoader[int, list[Signature]]:
        """By protocol; only reached from a protocol the viewer may see."""

        async def load(protocol_ids: list[int]) -> list[list[Signature]]:
            rows = await SIGNATURES_BY_PROTOCOL.fetch(protocol_ids)
            return grouped(
                protocol_ids,
                (
                    (
                        row["protocol_id"],
                        Signature(
                            signer=joined_person(self.viewer, row),
                            signer_role=row["signer_role"],
                            method=row["method"],
                            signed_at=row["signed_at"],
                            timestamp_at=row["timestamp_at"],
                            certificate_subject=row["certificate_subject"],
                        ),
                    )
                    for row in rows
                ),
            )

        return batched(load)

    @cached_property
    def signers(self) -> DataLoader[int, list[ProtocolSigner]]:
        """By protocol, in signing order; only reached from a protocol the viewer may see."""

        async def load(protocol_ids: list[int]) -> list[list[ProtocolSigner]]:
            rows = (
                await ProtocolSignerRow.filter(protocol_id__in=protocol_ids)
                .order_by("protocol_id", "position")
                .values(
                    "protocol_id",
                    "position",
                    "role_label",
                    "person_id",
                    person_first_name="person__first_name",
                    person_last_name="person__last_name",
                    person_personal_code="person__personal_code",
                )
            )
            signed = set(
                await SignatureRow.filter(protocol_id__in=protocol_ids).values_list(
                    "protocol_id", "signer_id"
                )
            )
            return grouped(
                protocol_ids,
                (
                    (
                        row["protocol_id"],
                        ProtocolSigner(
                            person=joined_person(self.viewer, row),
                            role_label=row["role_label"],
                            position=row["position"],
                            signed=(row["protocol_id"], row["person_id"]) in signed,
                        ),
                    )
                    for row in rows
                ),
            )

        return batched(load)

    async def verification(
        self, protocol_pk: int, setup: SigningSetup | None
    ) -> DocumentVerification | None:
        """The stored signed document checked against `setup`'s trust roots; None when
        there is none, or no signing setup to check with."""
        row = await ProtocolDocument.filter(protocol_id=protocol_pk, signed=True).first()
        if setup is None or row is None:
            return None
        key = hashlib.sha256(row.content).hexdigest()
        report = _VERIFIED.get(key)
        if report is None:
            report = await verify_document(row.content, trust_roots=setup.trust_roots)
            _VERIFIED[key] = report
            while len(_VERIFIED) > _VERIFIED_MAX:
                _VERIFIED.popitem(last=False)
        return DocumentVerification.of(report)
