"""Building the e-mail of one outbox row: UTF-8 text, headers encoded for any server."""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from mail.errors import PermanentMailError

DEFAULT_MAIL_FROM = "Eksamihaldus <noreply@eksamihaldus.invalid>"


def build_message(
    *,
    sender: str,
    recipient: str,
    subject: str,
    body: str,
    message_id: str,
    date: datetime,
) -> EmailMessage:
    """A plain-text e-mail.

    Non-ASCII in the subject and names is encoded as RFC 2047 words and the body as
    quoted-printable UTF-8, so the message passes servers that speak neither SMTPUTF8 nor
    8BITMIME.

    Args:
        sender: The From address, e.g. `Eksamihaldus <noreply@example.ee>`.
        recipient: The To address.
        subject: One line.
        body: The text.
        message_id: A stable Message-ID (`<...@...>`): the same for every attempt.
        date: When the message was written (the Date header; also stable).

    Returns:
        The message, ready for `EmailSender.send`.

    Raises:
        PermanentMailError: An address or header cannot be put in a message.
    """
    message = EmailMessage(policy=policy.SMTP)
    try:
        message["From"] = sender
        message["To"] = recipient
        message["Subject"] = subject
        message["Message-ID"] = message_id
        message["Date"] = format_datetime(date)
        # RFC 3834: keeps out-of-office replies away from the no-reply sender.
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(body, charset="utf-8", cte="quoted-printable")
    except (ValueError, TypeError, IndexError) as error:
        raise PermanentMailError(
            f"the message cannot be built: {type(error).__name__}: {error}"
        ) from None
    if not message["To"].addresses:  # type: ignore[attr-defined]
        raise PermanentMailError("the recipient is not an e-mail address")
    return message
