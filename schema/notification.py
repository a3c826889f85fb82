"""Notifications for the signed-in person."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.node import Node


@strawberry.type(description="A message to the signed-in person.")
class Notification(Node):
    kind: str = strawberry.field(description="What happened, e.g. 'exam.returned'.")
    subject: str = strawberry.field(description="Subject line.")
    body: str = strawberry.field(description="Text of the message.")
    link: str | None = strawberry.field(description="Link that opens after sign-in.")
    created_at: datetime = strawberry.field(description="When it was created.")
    read_at: datetime | None = strawberry.field(description="When it was read, if it was.")
