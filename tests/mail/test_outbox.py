"""The database itself refuses bad outbox rows, on both backends."""

from __future__ import annotations

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError

from models.notification import OutboxMessage
from tests.mail.outbox import queue_mail


async def test_a_message_id_is_used_once(empty_db):
    first = await queue_mail()

    with pytest.raises(IntegrityError):
        await queue_mail(message_id=first.message_id)

    assert await OutboxMessage.all().count() == 1


@pytest.mark.parametrize(
    "assignment",
    ["status = 'LOST'", "attempts = -1", "status = 'SENT', sent_at = NULL"],
)
async def test_the_database_refuses_a_row_that_breaks_a_check(empty_db, assignment):
    row = await queue_mail()

    with pytest.raises(IntegrityError):
        await connections.get("default").execute_script(
            f"UPDATE outbox_message SET {assignment} WHERE id = {row.id}"
        )

    await row.refresh_from_db()
    assert (row.status, row.attempts) == ("PENDING", 0)
