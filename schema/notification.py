"""Notifications for the signed-in person."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.errors import UserError
from schema.node import Node


@strawberry.type(description="A message to the signed-in person.")
class Notification(Node):
    kind: str = strawberry.field(description="What happened, e.g. 'exam.returned'.")
    subject: str = strawberry.field(description="Subject line.")
    body: str = strawberry.field(description="Text of the message.")
    link: str | None = strawberry.field(description="Link that opens after sign-in.")
    created_at: datetime = strawberry.field(description="When it was created.")
    read_at: datetime | None = strawberry.field(description="When it was read, if it was.")


@strawberry.type(description="Result of notificationsMarkRead.")
class NotificationsMarkReadPayload:
    notifications: list[Notification] | None = strawberry.field(
        description="The notifications marked read, newest first: the ones named, or with "
        "`all` at most 100 of those newly read; null when nothing changed.",
        metadata={"cost_bound": 100},
    )
    unread_count: int | None = strawberry.field(
        description="How many of your notifications are still unread."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was marked read, if it was not."
    )
