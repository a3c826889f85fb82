"""The outbox worker: delivers due mails, retries with back-off, never sends one twice.

Each message is claimed, sent and marked in one transaction. On PostgreSQL the claim is
`SELECT ... FOR UPDATE SKIP LOCKED`, so several workers (in several `serve` processes and
`eksamihaldus worker`s) share the outbox without taking the same row. A crash between the
server's acceptance and the commit leaves the row pending, and it is sent again with the
same Message-ID, so the receiving side can recognise the copy; a committed SENT is never
sent again. On SQLite (one writer) the claim writes the row before sending, so a second process
reading the same row fails its own write instead of sending a copy.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from tortoise.exceptions import DBConnectionError, OperationalError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app.logs import redact
from mail.errors import MailError, MailServerUnavailableError, PermanentMailError
from mail.message import DEFAULT_MAIL_FROM, build_message
from mail.sender import EmailSender, classify
from models.clock import now as utc_now
from models.notification import MailStatus, OutboxMessage

log = logging.getLogger("eksamihaldus.mail")

MAX_ATTEMPTS = 12
BACKOFF_BASE = timedelta(seconds=15)
BACKOFF_CAP = timedelta(hours=1)
ERROR_MAX = 500


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, ... 1 h."""
    delay: timedelta = BACKOFF_BASE * 2 ** min(attempts, 16)
    return min(delay, BACKOFF_CAP)


def _error_text(error: MailError) -> str:
    return redact(str(error))[:ERROR_MAX]


async def deliver_due(
    sender: EmailSender,
    *,
    batch: int = 20,
    now: datetime | None = None,
    mail_from: str = DEFAULT_MAIL_FROM,
    stop: asyncio.Event | None = None,
) -> int:
    """One pass over the outbox: deliver up to `batch` due messages, one transaction each.

    The pass ends early when nothing more is due, when the server is unreachable (the rest
    would wait for it too) or when `stop` is set (after the message in hand).

    Args:
        sender: Where mails go.
        batch: At most this many messages in this pass.
        now: The time to consider (defaults to the clock); tests move it forward.
        mail_from: The From address.
        stop: Set to end the pass after the current message.

    Returns:
        How many messages were attempted (sent, deferred or failed).
    """
    attempted = 0
    while attempted < batch and not (stop is not None and stop.is_set()):
        outcome = await _deliver_one(sender, now or utc_now(), mail_from)
        if outcome is None:
            break
        attempted += 1
        if isinstance(outcome, MailServerUnavailableError):
            break
    return attempted


async def _deliver_one(
    sender: EmailSender, now: datetime, mail_from: str
) -> MailError | bool | None:
    """Claim, send and mark the first due message: None if none is due, True if sent, the
    error if it was not."""
    async with in_transaction() as connection:
        due = (
            OutboxMessage.filter(status=MailStatus.PENDING, next_attempt_at__lte=now)
            .using_db(connection)
            .order_by("next_attempt_at", "id")
            .limit(1)
            .select_for_update(skip_locked=True)  # dropped on SQLite, which has one writer
        )
        row = await due.first()
        if row is None:
            return None
        # Write before sending: on SQLite this takes the database's write lock, so another
        # process that read the same row cannot also write, and so never sends it.
        await (
            OutboxMessage.filter(id=row.id).using_db(connection).update(attempts=F("attempts") + 1)
        )
        row.attempts += 1
        try:
            message = build_message(
                sender=mail_from,
                recipient=row.recipient,
                subject=row.subject,
                body=row.body,
                message_id=row.message_id,
                date=row.created_at,
            )
            await sender.send(message)
        except Exception as raised:
            error = classify(raised)
            if not isinstance(raised, MailError):
                log.exception("mail %s: unexpected error from the sender", row.id)
            _record_failure(row, error, now)
            await row.save(
                using_db=connection,
                update_fields=["status", "next_attempt_at", "last_error"],
            )
            return error
        row.status = MailStatus.SENT
        row.sent_at = now
        row.last_error = None
        await row.save(using_db=connection, update_fields=["status", "sent_at", "last_error"])
    log.info("mail %s sent (attempt %s)", row.id, row.attempts)
    return True


def _record_failure(row: OutboxMessage, error: MailError, now: datetime) -> None:
    row.last_error = _error_text(error)
    if isinstance(error, PermanentMailError) or row.attempts >= MAX_ATTEMPTS:
        row.status = MailStatus.FAILED
        log.warning("mail %s failed for good after %s attempts: %s", row.id, row.attempts, error)
    else:
        row.next_attempt_at = now + backoff(row.attempts)
        log.info("mail %s deferred (attempt %s): %s", row.id, row.attempts, error)


async def run_worker(
    sender: EmailSender,
    stop: asyncio.Event,
    poll_seconds: float,
    *,
    mail_from: str = DEFAULT_MAIL_FROM,
    batch: int = 20,
) -> None:
    """Deliver due mails until `stop` is set; between passes wait `poll_seconds`.

    A failing pass (the database is down, say) is logged and tried again after the wait.
    When `stop` is set the message in hand is finished and the function returns.

    Args:
        sender: Where mails go.
        stop: Set it to stop.
        poll_seconds: The wait between passes when nothing more is due.
        mail_from: The From address.
        batch: Messages per pass.
    """
    log.info("mail worker started (%s)", type(sender).__name__)
    while not stop.is_set():
        try:
            attempted = await deliver_due(sender, batch=batch, mail_from=mail_from, stop=stop)
        except (OperationalError, DBConnectionError) as error:
            # The database is down or busy (on SQLite: another worker holds the write lock).
            log.warning(
                "mail delivery waits for the database (%s): trying again in %s s",
                error,
                poll_seconds,
            )
            attempted = 0
        except Exception:
            log.exception("mail delivery pass failed; trying again in %s s", poll_seconds)
            attempted = 0
        if attempted >= batch:
            continue
        try:
            await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
        except TimeoutError:
            pass
    log.info("mail worker stopped")
