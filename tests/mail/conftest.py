"""Fixtures for mail delivery: a real SMTP server and a sender pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mail.sender import SmtpConfig, SmtpEmailSender
from tests.mail.smtp import RecordingHandler, smtp_server


@pytest.fixture
def smtp() -> Iterator[tuple[RecordingHandler, SmtpEmailSender]]:
    with smtp_server() as (handler, port):
        yield handler, SmtpEmailSender(SmtpConfig(host="127.0.0.1", port=port, timeout_seconds=5))


@pytest.fixture
def smtp_port() -> Iterator[tuple[RecordingHandler, int]]:
    """A server for another process to send to."""
    with smtp_server() as (handler, port):
        yield handler, port
