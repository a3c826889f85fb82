"""Configuration comes only from the environment; a missing or malformed value stops the
process with one line that names the variable and never echoes a secret."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from app.settings import Settings, SettingsError

SECRET = "s3cret-Parool"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("EH_WORKERS", "abc", "EH_WORKERS must be a whole number"),
        ("EH_WORKERS", "0", "EH_WORKERS must be at least 1"),
        ("EH_PORT", "70000", "EH_PORT must be at most 65535"),
        ("EH_SMTP_PORT", "25a", "EH_SMTP_PORT must be a whole number"),
        ("EH_SHUTDOWN_TIMEOUT_SECONDS", "soon", "EH_SHUTDOWN_TIMEOUT_SECONDS must be a whole"),
        ("EH_MIGRATE_ON_START", "maybe", "EH_MIGRATE_ON_START must be true or false"),
        ("EH_MAIL_IN_SERVE", "2", "EH_MAIL_IN_SERVE must be true or false"),
        ("EH_LOG_FORMAT", "xml", "EH_LOG_FORMAT must be one of: text, json"),
        ("EH_LOG_LEVEL", "LOUD", "EH_LOG_LEVEL must be one of"),
        ("EH_PUBLIC_URL", "ftp://eksamid.example.ee", "EH_PUBLIC_URL must be an http"),
        ("EH_OCSP_URL", "ldap://ocsp.example.ee", "EH_OCSP_URL must be an http"),
        ("EH_OCSP_TIMEOUT_SECONDS", "0", "EH_OCSP_TIMEOUT_SECONDS must be at least 1"),
        ("DATABASE_URL", f"mysql://eh:{SECRET}@db/eh", "DATABASE_URL must start with"),
        ("DATABASE_URL", f"postgres://eh:{SECRET}@db:port/eh", "DATABASE_URL has a malformed"),
        ("DATABASE_URL", f"postgres://eh:{SECRET}@/eh", "DATABASE_URL must name the database ser"),
        ("DATABASE_URL", f"postgresql://eh:{SECRET}@db:5432", "DATABASE_URL must name the datab"),
    ],
)
def test_a_malformed_value_is_refused_by_name_never_echoing_it(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError, match=message) as raised:
        Settings.from_env()

    assert value not in str(raised.value)
    assert SECRET not in str(raised.value)


def test_serving_is_configured_from_the_environment(monkeypatch):
    for name, value in {
        "DATABASE_URL": f"postgres://eh:{SECRET}@db.internal:5432/eksamihaldus",
        "EH_HOST": "0.0.0.0",
        "EH_PORT": "8080",
        "EH_WORKERS": "4",
        "EH_MIGRATE_ON_START": "false",
        "EH_MAIL_IN_SERVE": "false",
        "EH_LOG_FORMAT": "json",
        "EH_LOG_LEVEL": "warning",
    }.items():
        monkeypatch.setenv(name, value)

    settings = Settings.from_env()

    assert (settings.host, settings.port, settings.workers) == ("0.0.0.0", 8080, 4)
    assert (settings.migrate_on_start, settings.mail_in_serve) == (False, False)
    assert (settings.log_format, settings.log_level) == ("json", "WARNING")
    assert not settings.is_sqlite


async def _serve(env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "serve",
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    return process.returncode or 0, err.decode()


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"EH_WORKERS": "abc"}, "EH_WORKERS"),
        ({"DATABASE_URL": f"postgres://eh:{SECRET}@db:54x2/eh"}, "DATABASE_URL"),
        ({"EH_SMTP_PORT": "99999"}, "EH_SMTP_PORT"),
        ({"EH_LOG_FORMAT": "yaml"}, "EH_LOG_FORMAT"),
        ({"EH_SMTP_PASSWORD": SECRET}, "EH_SMTP_USERNAME and EH_SMTP_PASSWORD"),
    ],
)
async def test_serve_stops_with_one_line_naming_the_variable(env, variable):
    code, err = await _serve(env)

    assert code != 0
    assert err.strip().splitlines() == [err.strip()], err  # one line, no traceback
    assert err.startswith(f"eksamihaldus: configuration error: {variable}")
    assert SECRET not in err


async def test_a_malformed_key_file_is_named_and_its_content_never_shown(tmp_path: Path):
    key = tmp_path / "jwt-private.pem"
    key.write_text(f"-----BEGIN PRIVATE KEY-----\n{SECRET}\n-----END PRIVATE KEY-----\n")

    code, err = await _serve(
        {"EH_JWT_PRIVATE_KEY_FILE": str(key), "DATABASE_URL": f"sqlite://{tmp_path / 'db'}"}
    )

    assert code != 0
    assert err.strip() == (
        "eksamihaldus: configuration error: EH_JWT_PRIVATE_KEY_FILE must name a readable, "
        "unencrypted PEM private key"
    )
