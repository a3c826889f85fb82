"""Mail settings: defaults that work with no SMTP server, and clear refusals."""

from __future__ import annotations

import pytest

from app.settings import Settings, SettingsError
from mail.message import DEFAULT_MAIL_FROM
from mail.sender import SmtpConfig, TlsMode


def test_by_default_there_is_no_smtp_server(monkeypatch):
    for name in ("EH_SMTP_HOST", "EH_SMTP_USERNAME", "EH_SMTP_PASSWORD", "EH_MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)

    settings = Settings.from_env()

    assert settings.smtp is None
    assert settings.mail_from == DEFAULT_MAIL_FROM
    assert settings.mail_poll_seconds == 2


def test_an_smtp_server_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("EH_SMTP_HOST", "smtp.example.ee")
    monkeypatch.setenv("EH_SMTP_PORT", "587")
    monkeypatch.setenv("EH_SMTP_TLS", "starttls")
    monkeypatch.setenv("EH_SMTP_USERNAME", "eksamihaldus")
    monkeypatch.setenv("EH_SMTP_PASSWORD", "salajane-parool")
    monkeypatch.setenv("EH_MAIL_FROM", "Eksamihaldus <teavitus@example.ee>")

    settings = Settings.from_env()

    assert settings.smtp == SmtpConfig(
        host="smtp.example.ee",
        port=587,
        username="eksamihaldus",
        password="salajane-parool",
        tls=TlsMode.STARTTLS,
        timeout_seconds=30,
    )
    assert settings.mail_from == "Eksamihaldus <teavitus@example.ee>"
    assert "salajane-parool" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("EH_SMTP_TLS", "ssl", "EH_SMTP_TLS must be none, starttls or tls"),
        ("EH_SMTP_PORT", "70000", "EH_SMTP_PORT must be at most 65535"),
        ("EH_SMTP_PORT", "smtp", "EH_SMTP_PORT must be a whole number"),
        ("EH_MAIL_FROM", "eksamihaldus", "EH_MAIL_FROM must be an e-mail address"),
        ("EH_MAIL_POLL_SECONDS", "0", "EH_MAIL_POLL_SECONDS must be at least 1"),
        ("EH_SMTP_PASSWORD", "salajane-parool", "EH_SMTP_USERNAME and EH_SMTP_PASSWORD"),
    ],
)
def test_a_malformed_mail_setting_is_refused_by_name_never_echoing_it(
    monkeypatch, name, value, message
):
    monkeypatch.delenv("EH_SMTP_USERNAME", raising=False)
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError, match=message) as raised:
        Settings.from_env()

    assert value not in str(raised.value)
