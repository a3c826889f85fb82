"""Following Smart-ID and Mobile-ID sessions in the background, in any API process.

Each process runs one :class:`SigningPoller`. It claims waiting phone sessions for a lease
(PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so two processes never claim the same row; SQLite
has one process and one writer), follows each with SK's long poll in its own task, renews
the lease while the person looks at the phone, and ends the session through
:func:`models.workflow.phone_signing.settle`. A process that stops leaves its leases to run
out; then another process claims those sessions and finishes them. Sessions nobody finished
in time end EXPIRED.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from datetime import timedelta

from tortoise.expressions import Q

from integrations.sk.common import PhoneSession, SkError
from models.clock import now
from models.enums import SignatureMethod, SigningSessionStatus
from models.events import transaction
from models.protocol import SigningSession
from models.workflow import phone_sessions
from models.workflow.phone_sessions import PREPARER, end_session
from models.workflow.phone_signing import PHONE_METHODS, settle
from models.workflow.signing import SigningSetup

log = logging.getLogger("eksamihaldus.signing")


# The pollers running in this process, woken when a session starts here.
_running: list[SigningPoller] = []


def wake_pollers() -> None:
    """A phone session was started in this process: its pollers look at once."""
    for poller in _running:
        poller.wake()


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class SigningPoller:
    """Claims and follows phone signing sessions (see the module docstring)."""

    def __init__(
        self,
        setup: SigningSetup,
        *,
        owner: str | None = None,
        lease: timedelta = timedelta(seconds=30),
        scan_seconds: float = 1.0,
        concurrency: int = 200,
        embedding_concurrency: int = 2,
    ) -> None:
        self.setup = setup
        self.owner = owner or process_name()
        self.lease = lease
        self.scan_seconds = scan_seconds
        self.concurrency = concurrency
        self.following: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        # Embedding holds the exam's row lock and a connection while the document workers
        # complete the signature: no more at once than the workers can take, so that the
        # connection pool stays free for everything else.
        self._embedding = asyncio.Semaphore(embedding_concurrency)

    def wake(self) -> None:
        """A session was started here: look for it now rather than at the next scan."""
        self._wake.set()

    async def claim(self) -> list[int]:
        """Take the lease of waiting phone sessions nobody follows (or whose lease ran out)."""
        room = self.concurrency - len(self.following)
        if room <= 0:
            return []
        moment = now()
        async with transaction() as connection:
            query = (
                SigningSession.filter(
                    status=SigningSessionStatus.WAITING,
                    method__in=list(PHONE_METHODS),
                    provider_session__not_isnull=True,
                    expires_at__gt=moment,
                )
                .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=moment))
                .order_by("id")
                .limit(room)
                .using_db(connection)
            )
            if connection.capabilities.dialect == "postgres":
                query = query.select_for_update(skip_locked=True)
            ids: list[int] = [row.id for row in await query.only("id")]
            if ids:
                await (
                    SigningSession.filter(id__in=ids)
                    .using_db(connection)
                    .update(lease_owner=self.owner, lease_until=moment + self.lease)
                )
        return ids

    async def expire(self) -> int:
        """End the sessions whose time is up (any method), and those whose preparation
        stopped with its process (SIGNING_INTERRUPTED)."""
        moment = now()
        stopped: list[int] = await SigningSession.filter(
            status=SigningSessionStatus.PREPARING, lease_owner=PREPARER, lease_until__lt=moment
        ).values_list("id", flat=True)  # type: ignore[assignment]
        ended = 0
        for session_id in stopped:
            ended += (
                await end_session(session_id, SigningSessionStatus.FAILED, "SIGNING_INTERRUPTED")
                is not None
            )
        late = await SigningSession.filter(
            status=SigningSessionStatus.WAITING, expires_at__lte=moment
        ).values_list("id", "method", "lease_owner", "lease_until")
        for session_id, method, owner, until in late:
            if owner not in (None, self.owner) and until is not None and until > now():
                continue  # another process is still on it and will end it
            code = "SESSION_EXPIRED" if method is SignatureMethod.ID_CARD else "SIGNING_TIMEOUT"
            ended += await end_session(session_id, SigningSessionStatus.EXPIRED, code) is not None
        return ended

    async def _renew(self, session_id: int) -> bool:
        renewed = await SigningSession.filter(
            id=session_id, lease_owner=self.owner, status=SigningSessionStatus.WAITING
        ).update(lease_until=now() + self.lease)
        return renewed == 1

    async def follow(self, session_id: int) -> None:
        """Long-poll SK about one session until it ends, the lease is lost or time is up."""
        try:
            while True:
                session = await SigningSession.get_or_none(id=session_id)
                if (
                    session is None
                    or session.status is not SigningSessionStatus.WAITING
                    or session.lease_owner != self.owner
                ):
                    return
                if session.expires_at <= now():
                    await end_session(session_id, SigningSessionStatus.EXPIRED, "SIGNING_TIMEOUT")
                    return
                client = (
                    self.setup.smart_id
                    if session.method is SignatureMethod.SMART_ID
                    else self.setup.mobile_id
                )
                if client is None or session.provider_session is None:
                    await end_session(
                        session_id, SigningSessionStatus.FAILED, "SIGNING_METHOD_UNAVAILABLE"
                    )
                    return
                answer: PhoneSession | SkError
                try:
                    answer = await client.status(session.provider_session)
                except SkError as error:
                    if error.code != "SIGNING_SERVICE_UNAVAILABLE":
                        answer = error
                    else:  # a passing fault: ask again until the session's time is up
                        log.warning("signing session %s: %s", session_id, error.detail)
                        await asyncio.sleep(1)
                        if not await self._renew(session_id):
                            return
                        continue
                if isinstance(answer, PhoneSession) and answer.signature is not None:
                    async with self._embedding:
                        await settle(session, answer, self.setup)
                    return
                if await settle(session, answer, self.setup):
                    return
                if not await self._renew(session_id):
                    return
        except Exception:
            log.exception("following signing session %s failed", session_id)
        finally:
            self.following.pop(session_id, None)

    async def step(self) -> int:
        """One scan: expire, claim, start following. Returns how many were claimed."""
        await self.expire()
        claimed = await self.claim()
        for session_id in claimed:
            self.following[session_id] = asyncio.create_task(
                self.follow(session_id), name=f"signing session {session_id}"
            )
        return len(claimed)

    async def run(self, stop: asyncio.Event) -> None:
        """Scan until ``stop`` is set; then stop following (leases run out for others)."""
        _running.append(self)
        phone_sessions.waiting_hooks.append(self.wake)
        try:
            await self._run(stop)
        finally:
            phone_sessions.waiting_hooks.remove(self.wake)
            _running.remove(self)

    async def _run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.step()
            except Exception:
                log.exception("the signing poller's scan failed")
            self._wake.clear()
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
            await asyncio.wait(waiters, timeout=self.scan_seconds, return_when="FIRST_COMPLETED")
            for waiter in waiters:
                waiter.cancel()
        for task in list(self.following.values()):
            task.cancel()
        await asyncio.gather(*self.following.values(), return_exceptions=True)

    async def until_idle(self, max_seconds: float = 30.0) -> None:
        """Tests and tools: scan and follow until nothing is waiting or followed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_seconds
        while loop.time() < deadline:
            await phone_sessions.preparations()
            await self.step()
            if self.following:
                await asyncio.wait(list(self.following.values()), timeout=0.5)
                continue
            if not await SigningSession.filter(
                status__in=[SigningSessionStatus.PREPARING, SigningSessionStatus.WAITING],
                method__in=list(PHONE_METHODS),
            ).exists():
                return
            await asyncio.sleep(0.1)
        raise TimeoutError("signing sessions still waiting")
