"""The signed-in person's notifications: reading them and marking them read."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from models.notification import Notification as NotificationRow
from models.notification import mark_read
from resolvers.pagination import empty_connection, keyset_page
from schema.connection import MAX_PAGE_SIZE, Connection
from schema.errors import ErrorCode, UserError
from schema.info import Info
from schema.node import from_global_id, to_global_id
from schema.notification import Notification, NotificationsMarkReadPayload
from schema.sign_in import SIGN_IN

_COLUMNS = {c: c for c in ("id", "kind", "subject", "body", "link", "created_at", "read_at")}


def build_notification(row: dict[str, Any]) -> Notification:
    return Notification(
        id=to_global_id("Notification", row["id"]),
        **{key: row[key] for key in _COLUMNS if key != "id"},
    )


@strawberry.type
class NotificationQuery:
    @strawberry.field(description="Notifications for the signed-in person, newest first.")
    async def notifications(
        self,
        info: Info,
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
            query,
            order=["-id"],
            columns=_COLUMNS,
            first=first,
            after=after,
            build=build_notification,
        )


def _refused(
    field: list[str] | None, message: str, code: ErrorCode
) -> NotificationsMarkReadPayload:
    return NotificationsMarkReadPayload(
        notifications=None,
        unread_count=None,
        user_errors=[UserError(field=field, message=message, code=code)],
    )


def _not_found(index: int) -> UserError:
    return UserError(
        field=["ids", str(index)],
        message="Sellist teadet sul ei ole. / You have no such notification.",
        code=ErrorCode.NOT_FOUND,
    )


@strawberry.type
class NotificationMutation:
    @strawberry.mutation(
        description="Mark your own notifications read: the ones named in `ids`, or all of "
        "them. If any ID is not one of yours, nothing is changed."
    )
    async def notifications_mark_read(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(description="The notifications to mark read (at most 100)."),
        ] = None,
        all_: Annotated[
            bool,
            strawberry.argument(
                name="all", description="Mark every unread notification read instead."
            ),
        ] = False,
    ) -> NotificationsMarkReadPayload:
        viewer = info.context.viewer
        if viewer.person_id is None:
            return _refused(None, SIGN_IN, ErrorCode.UNAUTHENTICATED)
        if all_ and ids:
            return _refused(
                ["all"],
                "Anna kas teated või `all`, mitte mõlemat. / Give either ids or all, not both.",
                ErrorCode.INVALID_INPUT,
            )
        if not all_ and not ids:
            return _refused(
                ["ids"],
                "Nimeta teated või märgi kõik. / Name the notifications, or set all.",
                ErrorCode.INVALID_INPUT,
            )
        if ids is not None and len(ids) > MAX_PAGE_SIZE:
            return _refused(
                ["ids"],
                f"Korraga kuni {MAX_PAGE_SIZE} teadet. / At most {MAX_PAGE_SIZE} at a time.",
                ErrorCode.INVALID_INPUT,
            )
        keys: list[int] | None = None
        if ids is not None:
            # An ID that is not a notification's becomes a key no row has (rows start at 1),
            # so it is reported NOT_FOUND together with other people's notifications.
            decoded = [from_global_id(i) for i in ids]
            keys = [
                d[1] if d is not None and d[0] == "Notification" else -n
                for n, d in enumerate(decoded)
            ]
        result = await mark_read(viewer.person_id, keys, limit=MAX_PAGE_SIZE)
        if result.missing:
            assert keys is not None
            return NotificationsMarkReadPayload(
                notifications=None,
                unread_count=result.unread_count,
                user_errors=[_not_found(keys.index(pk)) for pk in result.missing],
            )
        # Committed: the payload is read afterwards.
        rows = (
            await NotificationRow.filter(id__in=result.marked_ids)
            .order_by("-id")
            .values(**_COLUMNS)
        )
        return NotificationsMarkReadPayload(
            notifications=[build_notification(row) for row in rows],
            unread_count=result.unread_count,
            user_errors=[],
        )
