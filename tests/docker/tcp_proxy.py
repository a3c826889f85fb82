"""A TCP proxy on loopback between our processes and PostgreSQL, which a test can cut (as
if the server went away: connections reset, new ones refused), restore, or hold (bytes
towards the server wait, so requests stay in flight as long as the test wants)."""

from __future__ import annotations

import asyncio
import contextlib

from tests.mail.smtp import free_port


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._held: set[int] = set()
        self._held_changed = asyncio.Condition()

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._link, "127.0.0.1", self.port, reuse_address=True
        )

    async def cut(self) -> None:
        """Refuse new connections and reset every open one."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for client, upstream in list(self._links):
            for writer in (client, upstream):
                writer.transport.abort()
        self._links.clear()

    async def restore(self) -> None:
        await self.start()

    def hold(self) -> None:
        """Keep what clients send from reaching the server until `release`."""
        self._flowing.clear()

    def release(self) -> None:
        self._flowing.set()

    async def wait_held(self, connections: int) -> None:
        """Wait until `connections` client connections have bytes held (at most 30 s)."""
        async with self._held_changed:
            await asyncio.wait_for(
                self._held_changed.wait_for(lambda: len(self._held) >= connections), 30
            )

    async def close(self) -> None:
        self.release()
        await self.cut()

    async def _link(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self.target)
        except OSError:
            client.transport.abort()
            return
        link = (client, upstream)
        self._links.add(link)
        try:
            await asyncio.gather(
                self._pump(client_reader, upstream, held_key=id(client)),
                self._pump(upstream_reader, client, held_key=None),
            )
        finally:
            self._links.discard(link)

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, held_key: int | None
    ) -> None:
        try:
            while data := await reader.read(65536):
                if held_key is not None and not self._flowing.is_set():
                    await self._mark_held(held_key, True)
                    await self._flowing.wait()
                    await self._mark_held(held_key, False)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.transport.abort()

    async def _mark_held(self, key: int, held: bool) -> None:
        async with self._held_changed:
            if held:
                self._held.add(key)
            else:
                self._held.discard(key)
            self._held_changed.notify_all()
