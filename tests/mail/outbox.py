"""Outbox rows for the tests, and running the worker until nothing more is due."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mail.sender import EmailSender
from mail.worker import deliver_due
from models.clock import now
from models.notification import OutboxMessage, new_message_id


async def queue_mail(**overrides: Any) -> OutboxMessage:
    """One pending outbox row, due now."""
    values: dict[str, Any] = {
        "recipient": "laura.testf@kool.example",
        "subject": "Eksam on hinnatud: Keevitaja, tase 4 / Exam assessed",
        "body": "Tere!\n",
        "message_id": new_message_id(),
        "next_attempt_at": now(),
    }
    values.update(overrides)
    return await OutboxMessage.create(**values)


async def deliver_all(sender: EmailSender, *, at: datetime | None = None) -> int:
    """Worker passes until nothing more is due at `at`; returns how many attempts were made."""
    total = 0
    while attempted := await deliver_due(sender, now=at):
        total += attempted
    return total
