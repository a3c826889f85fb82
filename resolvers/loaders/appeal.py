"""Appeals by ID and by participation, within the viewer's appeal scope, with their
attachments and decision document (never the bytes) in one query each."""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import Any

from strawberry.dataloader import DataLoader

from models.access import Viewer, appeal_scope, sees_personal_codes_in_appeals
from models.appeal import Appeal as AppealRow
from models.appeal import AppealAttachment as AttachmentRow
from models.appeal import AppealDocument as DocumentRow
from models.enums import AppealStatus
from models.workflow.appeal import overdue
from resolvers.loaders.batch import batched, by_key, grouped
from schema.appeal import Appeal, AppealAttachment
from schema.node import to_global_id
from schema.person import Person

APPEAL_COLUMNS = {
    "id": "id",
    "subject": "subject",
    "status": "status",
    "channel": "channel",
    "version": "version",
    "reason": "reason",
    "filed_by_role": "filed_by_role",
    "filed_at": "filed_at",
    "received_on": "received_on",
    "announced_on": "announced_on",
    "filing_deadline": "filing_deadline",
    "decision_due": "decision_due",
    "review_started_at": "review_started_at",
    "decided_at": "decided_at",
    "decision_reason": "decision_reason",
    "withdrawn_at": "withdrawn_at",
    "person_id": "participant__person_id",
    "person_first_name": "participant__person__first_name",
    "person_last_name": "participant__person__last_name",
    "person_personal_code": "participant__person__personal_code",
    "standard_name": "exam__standard__name",
    "school_name": "exam__school__name",
    "awarding_body_name": "awarding_body__name",
}
OPEN_STATES = [AppealStatus.FILED, AppealStatus.UNDER_REVIEW]


def build_appeal(viewer: Viewer, row: dict[str, Any]) -> Appeal:
    return Appeal(
        id=to_global_id("Appeal", row["id"]),
        pk=row["id"],
        subject=row["subject"],
        status=row["status"],
        channel=row["channel"],
        version=row["version"],
        examinee=Person.from_row(
            row, prefix="person_", code_visible=sees_personal_codes_in_appeals(viewer)
        ),
        standard_name=row["standard_name"],
        school_name=row["school_name"],
        awarding_body_name=row["awarding_body_name"],
        reason=row["reason"],
        filed_by_role=row["filed_by_role"],
        filed_at=row["filed_at"],
        received_on=row["received_on"],
        announced_on=row["announced_on"],
        filing_deadline=row["filing_deadline"],
        decision_due=row["decision_due"],
        overdue=overdue(AppealStatus(row["status"]), row["decision_due"]),
        review_started_at=row["review_started_at"],
        decided_at=row["decided_at"],
        decision_reason=row["decision_reason"],
        withdrawn_at=row["withdrawn_at"],
        attachments=[],
        decision_signed=False,
        decision_signed_at=None,
        decision_signature_method=None,
        decision_document_url=None,
    )


async def with_documents(appeals: list[Appeal]) -> list[Appeal]:
    """Every appeal's attachments and decision document, in two queries (never the bytes)."""
    by_appeal: dict[int, list[AppealAttachment]] = defaultdict(list)
    rows = (
        await AttachmentRow.filter(appeal_id__in=[a.pk for a in appeals])
        .order_by("id")
        .values("appeal_id", "filename", "size", "sha256")
        if appeals
        else []
    )
    for row in rows:
        by_appeal[row["appeal_id"]].append(
            AppealAttachment(filename=row["filename"], size=row["size"], sha256=row["sha256"])
        )
    documents = (
        await DocumentRow.filter(appeal_id__in=[a.pk for a in appeals]).values(
            "appeal_id", "signed_at", "method"
        )
        if appeals
        else []
    )
    signed = {row["appeal_id"]: row for row in documents}
    for appeal in appeals:
        appeal.attachments = by_appeal[appeal.pk]
        if appeal.pk in signed:
            document = signed[appeal.pk]
            appeal.decision_signed = document["signed_at"] is not None
            appeal.decision_signed_at = document["signed_at"]
            appeal.decision_signature_method = document["method"]
            appeal.decision_document_url = f"/documents/appeals/{appeal.id}"
    return appeals


class AppealLoaders:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    async def _rows(self, **where: Any) -> list[tuple[dict[str, Any], Appeal]]:
        scope = appeal_scope(self.viewer)
        if scope is None:
            return []
        rows = (
            await AppealRow.filter(scope, **where)
            .order_by("id")
            .values(participant="participant_id", **APPEAL_COLUMNS)
        )
        appeals = await with_documents([build_appeal(self.viewer, row) for row in rows])
        return list(zip(rows, appeals, strict=True))

    @cached_property
    def by_id(self) -> DataLoader[int, Appeal | None]:
        async def load(ids: list[int]) -> list[Appeal | None]:
            found = await self._rows(id__in=ids)
            return by_key(ids, ((row["id"], appeal) for row, appeal in found))

        return batched(load)

    @cached_property
    def by_participant(self) -> DataLoader[int, list[Appeal]]:
        async def load(ids: list[int]) -> list[list[Appeal]]:
            found = await self._rows(participant_id__in=ids)
            return grouped(ids, ((row["participant"], appeal) for row, appeal in found))

        return batched(load)
