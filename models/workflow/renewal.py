"""Renewing archive timestamps of signed documents before their TSA certificates expire.

A PAdES B-LTA document stays verifiable while its newest timestamp can be validated, that is
until that timestamp's TSA certificate expires. `renew_timestamps` finds the signed protocols
and sealed extracts whose newest timestamp's TSA certificate expires within a margin and adds
a new archive timestamp (with the validation data of everything before it) to each.

It is idempotent: a renewed document's newest timestamp is fresh, so a second run finds
nothing to do. A renewal that would not help (the TSA's own certificate expires within the
margin too) is not stored and is reported, so runs stay idempotent then as well.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from models.clock import now
from models.events import transaction
from models.protocol import Protocol, ProtocolDocument, ProtocolExtract
from signing.errors import SigningError
from signing.ltv import LongTermSetup, add_archive_timestamp, newest_timestamp

DocumentKind = Literal["protocol", "extract"]
Progress = Callable[[int, int], None]
"""Called with (documents done, documents in all)."""


@dataclass
class RenewalReport:
    """What a run did.

    Attributes:
        checked: Signed documents looked at.
        renewed: Documents that got a new archive timestamp.
        problems: ``(kind, id, reason)`` of documents left as they were.
    """

    checked: int = 0
    renewed: int = 0
    problems: list[tuple[DocumentKind, int, str]] = field(default_factory=list)


async def _signed_ids() -> list[tuple[DocumentKind, int]]:
    protocols = (
        await ProtocolDocument.filter(signed=True).order_by("id").values_list("id", flat=True)
    )
    extracts = await ProtocolExtract.all().order_by("id").values_list("id", flat=True)
    kinds: list[tuple[DocumentKind, int]] = [("protocol", i) for i in protocols]  # type: ignore[misc]
    return kinds + [("extract", i) for i in extracts]  # type: ignore[misc]


async def _content(kind: DocumentKind, pk: int) -> bytes:
    model = ProtocolDocument if kind == "protocol" else ProtocolExtract
    row = await model.get(id=pk)
    return bytes(row.content)


async def _store(kind: DocumentKind, pk: int, before: bytes, after: bytes) -> bool:
    """Replace the content if it is still ``before`` (another run may have renewed it)."""
    async with transaction() as connection:
        if kind == "protocol":
            document = (
                await ProtocolDocument.filter(id=pk).using_db(connection).select_for_update().get()
            )
            if bytes(document.content) != before:
                return False
            document.content = after
            await document.save(using_db=connection, update_fields=["content"])
            await (
                Protocol.filter(id=document.protocol_id)  # type: ignore[attr-defined]
                .using_db(connection)
                .update(document_sha256=hashlib.sha256(after).hexdigest())
            )
            return True
        extract = await ProtocolExtract.filter(id=pk).using_db(connection).select_for_update().get()
        if bytes(extract.content) != before:
            return False
        extract.content = after
        extract.sha256 = hashlib.sha256(after).hexdigest()
        await extract.save(using_db=connection, update_fields=["content", "sha256"])
        return True


async def renew_timestamps(
    setup: LongTermSetup,
    *,
    margin: timedelta,
    progress: Progress | None = None,
    moment: datetime | None = None,
) -> RenewalReport:
    """Add an archive timestamp to every signed document whose newest one expires soon.

    Args:
        setup: Revocation source, trust anchors and timestamper.
        margin: Renew when the newest timestamp's TSA certificate expires within this.
        progress: Told after each document.
        moment: "Now" (tests look at the future).

    Returns:
        What was checked, renewed and left with a problem.
    """
    deadline = (moment or now()) + margin
    report = RenewalReport()
    documents = await _signed_ids()
    for done, (kind, pk) in enumerate(documents, start=1):
        report.checked += 1
        try:
            content = await _content(kind, pk)
            newest = newest_timestamp(content)
            if newest is not None and newest.tsa_not_after > deadline:
                continue
            renewed = await add_archive_timestamp(content, setup)
            fresh = newest_timestamp(renewed)
            if fresh is None or fresh.tsa_not_after <= deadline:
                report.problems.append(
                    (kind, pk, "the TSA's own certificate expires within the margin")
                )
                continue
            if await _store(kind, pk, content, renewed):
                report.renewed += 1
        except SigningError as error:
            report.problems.append((kind, pk, f"{error.code}: {error.message}"))
        finally:
            if progress is not None:
                progress(done, len(documents))
    return report
