"""Sending e-mail: the `EmailSender` interface, SMTP (aiosmtplib) and the log.

The composition root picks one with `email_sender`: SMTP when a host is configured, else
`LoggingEmailSender`, the embedded default, which writes who got what subject to the log.
Only `mail.errors` leaves this module: aiosmtplib's and the socket's errors are sorted into
temporary ones (try again later) and permanent ones (this message will never go).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from email.message import EmailMessage
from enum import StrEnum
from typing import Protocol

import aiosmtplib

from mail.errors import (
    MailError,
    MailServerUnavailableError,
    PermanentMailError,
    TemporaryMailError,
)

log = logging.getLogger("eksamihaldus.mail")


class EmailSender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand `message` over for delivery.

        Raises:
            TemporaryMailError: Try again later.
            PermanentMailError: This message will never be accepted.
        """
        ...


class TlsMode(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: TlsMode = TlsMode.NONE
    timeout_seconds: float = 30.0


class SmtpEmailSender:
    """Delivers through an SMTP server, one connection per message."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    async def send(self, message: EmailMessage) -> None:
        """Send `message` to the server.

        Raises:
            MailServerUnavailableError: No connection, a timeout or a dropped connection.
            TemporaryMailError: A 4xx answer, or the server refused us (TLS, login, HELO).
            PermanentMailError: A 5xx answer to the sender, a recipient or the content.
        """
        config = self.config
        try:
            await aiosmtplib.send(
                message,
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password,
                use_tls=config.tls is TlsMode.TLS,
                start_tls=config.tls is TlsMode.STARTTLS,
                timeout=config.timeout_seconds,
            )
        except Exception as error:
            raise classify(error) from None


def _answer(code: int, text: str) -> str:
    return f"{code} {' '.join(text.split())}"


def classify(error: Exception) -> MailError:
    """Sort an error from aiosmtplib or the network into the mail error hierarchy.

    A 5xx counts as permanent only where it concerns the message (its sender, a recipient
    or its content); a server that refuses our login, TLS or greeting is misconfigured, not
    the message, so that is temporary and the mail waits until someone fixes it.

    Args:
        error: What `aiosmtplib.send` raised.

    Returns:
        The error to raise instead.
    """
    if isinstance(error, MailError):
        return error
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        answers = [_answer(r.code, r.message) for r in error.recipients]
        if all(400 <= r.code < 500 for r in error.recipients):
            return TemporaryMailError("recipient deferred: " + "; ".join(answers))
        return PermanentMailError("recipient refused: " + "; ".join(answers))
    if isinstance(
        error,
        aiosmtplib.SMTPSenderRefused | aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError,
    ):
        answer = _answer(error.code, error.message)
        if 500 <= error.code < 600:
            return PermanentMailError(f"refused: {answer}")
        return TemporaryMailError(f"deferred: {answer}")
    if isinstance(
        error,
        aiosmtplib.SMTPConnectError
        | aiosmtplib.SMTPTimeoutError
        | aiosmtplib.SMTPServerDisconnected
        | OSError
        | TimeoutError,
    ):
        return MailServerUnavailableError(
            f"mail server unavailable: {type(error).__name__}: {error}"
        )
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return TemporaryMailError(f"server refused: {_answer(error.code, error.message)}")
    if isinstance(error, aiosmtplib.SMTPException):
        return TemporaryMailError(f"{type(error).__name__}: {error}")
    return TemporaryMailError(f"unexpected error while sending: {type(error).__name__}")


class LoggingEmailSender:
    """The embedded default: logs the recipient and subject (never the body) and succeeds.

    The messages themselves stay readable in the app as notifications.
    """

    def __init__(self, logger: logging.Logger = log) -> None:
        self.logger = logger

    async def send(self, message: EmailMessage) -> None:
        """Log that `message` would have been sent."""
        self.logger.info("mail to %s subject %s", message["To"], message["Subject"])


def email_sender(config: SmtpConfig | None) -> EmailSender:
    """SMTP when configured, else the log.

    Args:
        config: The SMTP server, or None when none is configured.

    Returns:
        The sender to give the worker.
    """
    if config is None:
        return LoggingEmailSender()
    return SmtpEmailSender(config)
