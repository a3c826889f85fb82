"""The SMTP sender sorts what goes wrong into temporary and permanent failures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mail.errors import MailServerUnavailableError, PermanentMailError, TemporaryMailError
from mail.message import build_message
from mail.sender import LoggingEmailSender, SmtpConfig, SmtpEmailSender, TlsMode, email_sender
from tests.mail.smtp import free_port


def _message(recipient: str = "laura.testf@kool.example"):  # type: ignore[no-untyped-def]
    return build_message(
        sender="Eksamihaldus <noreply@eksamihaldus.invalid>",
        recipient=recipient,
        subject="Eksam on hinnatud / Exam assessed",
        body="Tere!\n",
        message_id="<1@eksamihaldus.invalid>",
        date=datetime(2026, 6, 15, 9, 0, tzinfo=UTC),
    )


async def test_nothing_listening_is_a_server_unavailable_error():
    sender = SmtpEmailSender(SmtpConfig(host="127.0.0.1", port=free_port(), timeout_seconds=5))

    with pytest.raises(MailServerUnavailableError):
        await sender.send(_message())


async def test_starttls_against_a_server_without_it_is_temporary(smtp_port):
    _, port = smtp_port
    sender = SmtpEmailSender(
        SmtpConfig(host="127.0.0.1", port=port, tls=TlsMode.STARTTLS, timeout_seconds=5)
    )

    with pytest.raises(TemporaryMailError) as raised:
        await sender.send(_message())

    assert not isinstance(raised.value, PermanentMailError)


async def test_a_refused_recipient_is_permanent(smtp_port):
    handler, port = smtp_port
    handler.refuse_rcpt["pole@kool.example"] = "550 5.1.1 No such user"
    sender = SmtpEmailSender(SmtpConfig(host="127.0.0.1", port=port, timeout_seconds=5))

    with pytest.raises(PermanentMailError, match="550 5.1.1 No such user"):
        await sender.send(_message("pole@kool.example"))


def test_a_recipient_that_cannot_be_a_header_is_permanent():
    with pytest.raises(PermanentMailError):
        _message("laura@kool.example\nBcc: kõik@example.com")


def test_the_sender_is_smtp_only_when_a_host_is_configured():
    assert isinstance(email_sender(None), LoggingEmailSender)
    assert isinstance(email_sender(SmtpConfig(host="smtp.example")), SmtpEmailSender)


def test_the_password_is_not_in_the_config_repr():
    config = SmtpConfig(host="smtp.example", username="eh", password="väga-salajane")

    assert "väga-salajane" not in repr(config)
