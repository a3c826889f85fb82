"""The signed-in person's notifications."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from models.notification import Notification as NotificationRow
from resolvers.pagination import empty_connection, keyset_page
from schema.connection import Connection
from schema.node import to_global_id
from schema.notification import Notification

_COLUMNS = {c: c for c in ("id", "kind", "subject", "body", "link", "created_at", "read_at")}


def _build(row: dict[str, Any]) -> Notification:
    return Notification(
        id=to_global_id("Notification", row["id"]),
        **{key: row[key] for key in _COLUMNS if key != "id"},
    )


@strawberry.type
class NotificationQuery:
    @strawberry.field(description="Notifications for the signed-in person, newest first.")
    async def notifications(
        self,
        info: strawberry.Info,
        first: int = 20,
        after: str | None = None,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only notifications not yet read.")
        ] = False,
    ) -> Connection[Notification]:
        viewer = info.context.viewer
        if viewer.person_id is None:
            return empty_connection()
        query = NotificationRow.filter(recipient_id=viewer.person_id)
        if unread_only:
            query = query.filter(read_at__isnull=True)
        return await keyset_page(
            query, order=["-id"], columns=_COLUMNS, first=first, after=after, build=_build
        )
