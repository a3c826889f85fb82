"""Each API process's ear on PostgreSQL: one LISTEN connection that hands every committed
event (`models.events`) to this process's `dispatch`, and connects again when it is lost.

Events sent while the connection was down are not heard; the subscriptions a socket carries
stay open and resume with the next event (a screen that must not miss one refetches on
`connection_ack` of a new socket, which is what clients do after a network loss anyway).
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from models.events import CHANNEL, Event, dispatch

log = logging.getLogger("eksamihaldus")

# How often the connection is checked (a half-open TCP connection raises no termination).
CHECK_SECONDS = 10.0
MAX_RETRY_SECONDS = 10.0
# How the connection shows in pg_stat_activity.
APPLICATION_NAME = "eksamihaldus-live-events"


def listen_dsn(database_url: str) -> str:
    """The database URL as asyncpg takes it: Tortoise's pool options (`?maxsize=`) removed."""
    parts = urlsplit(database_url.replace("postgresql://", "postgres://", 1))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _on_notify(_connection: object, _pid: int, _channel: str, payload: str) -> None:
    try:
        event = Event.decode(payload)
    except (ValueError, KeyError, TypeError):
        log.warning("ignored a malformed event on channel %s", CHANNEL)
        return
    dispatch(event)


async def _hear(connection: asyncpg.Connection, stop: asyncio.Event) -> bool:
    """Wait on one LISTEN connection until `stop` (True) or until the connection is lost."""
    lost = asyncio.Event()
    connection.add_termination_listener(lambda _connection: lost.set())
    while not stop.is_set() and not lost.is_set():
        waiters = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(lost.wait())}
        _, pending = await asyncio.wait(waiters, timeout=CHECK_SECONDS)
        for waiter in pending:
            waiter.cancel()
        if not stop.is_set() and not lost.is_set():
            await connection.fetchval("SELECT 1", timeout=5)
    return stop.is_set()


async def listen(
    database_url: str, stop: asyncio.Event, ready: asyncio.Event | None = None
) -> None:
    """Hear the event channel until `stop` is set, connecting again after any loss.

    `ready` is set while the LISTEN is in place (tests wait for it)."""
    dsn = listen_dsn(database_url)
    retry = 0.2
    while not stop.is_set():
        connection: asyncpg.Connection | None = None
        try:
            connection = await asyncpg.connect(
                dsn, timeout=5, server_settings={"application_name": APPLICATION_NAME}
            )
            await connection.add_listener(CHANNEL, _on_notify)
            log.info("listening for live events on PostgreSQL")
            retry = 0.2
            if ready is not None:
                ready.set()
            if not await _hear(connection, stop):
                log.warning("the live-event connection was lost; connecting again")
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
            log.warning("live events: no connection to PostgreSQL (%s)", type(error).__name__)
        except Exception:
            # Anything else must not end live updates for the life of the process.
            log.exception("live events: the listener failed; starting it again")
        finally:
            if ready is not None:
                ready.clear()
            if connection is not None and not connection.is_closed():
                connection.terminate()
        if not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=retry)
            except TimeoutError:
                pass
            retry = min(retry * 2, MAX_RETRY_SECONDS)
