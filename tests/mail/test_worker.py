"""The worker as it runs: in-process until told to stop, as `eksamihaldus worker`, inside
`eksamihaldus serve`, and with the logging sender when no SMTP server is configured."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from mail.sender import LoggingEmailSender
from mail.worker import deliver_due, run_worker
from models.notification import MailStatus, OutboxMessage
from tests.mail.outbox import queue_mail
from tests.mail.smtp import free_port


async def test_the_worker_delivers_until_it_is_stopped(empty_db, smtp):
    handler, sender = smtp
    rows = [await queue_mail(recipient=f"saaja{n}@kool.example") for n in range(3)]
    stop = asyncio.Event()

    worker = asyncio.create_task(run_worker(sender, stop, poll_seconds=0.05))
    await handler.wait_for(3)
    stop.set()
    await asyncio.wait_for(worker, timeout=10)

    assert sorted(handler.message_ids()) == sorted(row.message_id for row in rows)
    assert await OutboxMessage.filter(status=MailStatus.SENT).count() == 3


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def test_without_smtp_the_mail_goes_to_the_log_without_its_body(empty_db):
    records = _Records()
    logger = logging.getLogger("tests.mail.logging_sender")
    logger.addHandler(records)
    logger.setLevel(logging.INFO)
    row = await queue_mail(
        subject="Eksam on lõpetatud: Keevitaja / Exam completed", body="Salajane"
    )

    await deliver_due(LoggingEmailSender(logger))

    await row.refresh_from_db()
    assert row.status == MailStatus.SENT
    assert records.lines == [
        "mail to laura.testf@kool.example subject Eksam on lõpetatud: Keevitaja / Exam completed"
    ]
    logger.removeHandler(records)


def _env(app, smtp_port: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    settings = app.state.settings
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "EH_JWT_PRIVATE_KEY_FILE": str(settings.jwt_private_key_file),
        "EH_DEMO_DATA": "false",
        "EH_SMTP_HOST": "127.0.0.1",
        "EH_SMTP_PORT": str(smtp_port),
        "EH_MAIL_POLL_SECONDS": "1",
    }


async def _stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    return err.decode()


async def test_the_worker_command_delivers_and_exits_on_sigterm(app, empty_db, smtp_port):
    handler, port = smtp_port
    row = await queue_mail()

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "worker",
        env=_env(app, port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    await handler.wait_for(1)
    err = await _stop(process)

    assert process.returncode == 0, err
    assert "mail worker stopped" in err
    assert handler.message_ids() == [row.message_id]
    await row.refresh_from_db()
    assert row.status == MailStatus.SENT


async def test_serve_runs_the_worker_and_stops_it_on_shutdown(app, empty_db, smtp_port):
    handler, port = smtp_port
    row = await queue_mail()

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "serve",
        "--port",
        str(free_port()),
        env=_env(app, port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    await handler.wait_for(1)
    err = await _stop(process)

    # A clean shutdown asked for by SIGTERM is a normal exit.
    assert process.returncode == 0, err
    assert "mail worker stopped" in err
    assert "Application shutdown complete" in err
    assert "Traceback" not in err
    assert handler.message_ids() == [row.message_id]
    await row.refresh_from_db()
    assert row.status == MailStatus.SENT


async def test_the_worker_command_refuses_a_database_that_is_not_migrated(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'empty.sqlite3'}"}

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "worker",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=30)

    assert process.returncode == 1
    assert "run `eksamihaldus migrate` first" in err.decode()
