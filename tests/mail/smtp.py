"""A real SMTP server for the tests (aiosmtpd on a free loopback port) that records what it
accepts and answers as a test tells it to."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A loopback port nothing listens on (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RecordingHandler:
    """Accepts everything unless told otherwise: `refuse_rcpt[address]` or `data_answer`
    is returned as the server's answer instead."""

    refuse_rcpt: dict[str, str] = field(default_factory=dict)
    data_answer: str | None = None
    delay_seconds: float = 0.0
    received: list[bytes] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)

    async def handle_RCPT(  # aiosmtpd calls the hooks by these names
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        answer = self.refuse_rcpt.get(address)
        if answer is not None:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_answer is not None:
            return self.data_answer
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        with self.lock:
            self.received.append(envelope.original_content)
            self.lock.notify_all()
        return "250 Message accepted"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            raw = list(self.received)
        return [message_from_bytes(r, _class=EmailMessage, policy=policy.default) for r in raw]

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages()]

    async def wait_for(self, count: int) -> None:
        """Wait until `count` messages arrived (for mail sent by another process); at most
        30 s, then fail."""

        def wait() -> bool:
            with self.lock:
                return self.lock.wait_for(lambda: len(self.received) >= count, timeout=30)

        if not await asyncio.to_thread(wait):
            raise AssertionError(f"{count} mail(s) expected, {len(self.received)} arrived")


@dataclass
class GatedHandler(RecordingHandler):
    """Holds every DATA command until `gate` is set, so a test can stop a sender while its
    mail is in flight; `in_flight` counts the DATA commands that arrived."""

    gate: threading.Event = field(default_factory=threading.Event)
    in_flight: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.in_flight += 1
            self.lock.notify_all()
        await asyncio.to_thread(self.gate.wait, 60)  # set from the test's thread
        return await super().handle_DATA(server, session, envelope)

    async def wait_in_flight(self, count: int) -> None:
        """Wait until `count` mails are held at the gate (at most 30 s, then fail)."""

        def wait() -> bool:
            with self.lock:
                return self.lock.wait_for(lambda: self.in_flight >= count, timeout=30)

        if not await asyncio.to_thread(wait):
            raise AssertionError(f"{count} mail(s) in flight expected, {self.in_flight} arrived")


@contextmanager
def smtp_server(
    port: int | None = None, handler: RecordingHandler | None = None
) -> Iterator[tuple[RecordingHandler, int]]:
    handler = handler or RecordingHandler()
    port = port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
