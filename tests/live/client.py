"""A graphql-transport-ws client for the tests, over a real socket (the `websockets` package,
the same that serves the sockets under uvicorn)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

PROTOCOL = "graphql-transport-ws"
# Only a guard against a hung test: no test asserts how long delivery takes.
WAIT_SECONDS = 20.0


async def watching(count: int) -> None:
    """Wait until this process has `count` watches open (subscriptions without a first
    message: notificationReceived, signingSessionChanged)."""
    from models.watch import watcher_count

    async with asyncio.timeout(WAIT_SECONDS):
        while watcher_count() < count:  # noqa: ASYNC110 - a test-only probe of the server
            await asyncio.sleep(0.01)


class LiveClient:
    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        url: str,
        *,
        token: str | None = None,
        payload: Any = None,
        origin: str | None = None,
    ) -> AsyncIterator[LiveClient]:
        """A socket that has sent `connection_init` (with the token, if one is given)."""
        headers = {"Origin": origin} if origin else None
        async with websockets.connect(
            url,
            subprotocols=[PROTOCOL],
            additional_headers=headers,  # type: ignore[list-item]
        ) as socket:
            if payload is None:
                payload = {"authorization": f"Bearer {token}"} if token else {}
            await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
            yield cls(socket)

    @classmethod
    @asynccontextmanager
    async def signed_in(cls, url: str, token: str | None = None) -> AsyncIterator[LiveClient]:
        async with cls.open(url, token=token) as client:
            assert (await client.receive())["type"] == "connection_ack"
            yield client

    async def subscribe(
        self, operation_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        message = {"query": query, "variables": variables or {}}
        await self.socket.send(
            json.dumps({"id": operation_id, "type": "subscribe", "payload": message})
        )

    async def complete(self, operation_id: str) -> None:
        await self.socket.send(json.dumps({"id": operation_id, "type": "complete"}))

    async def receive(self) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.socket.recv(), WAIT_SECONDS))  # type: ignore[no-any-return]

    async def next(self, operation_id: str) -> dict[str, Any]:
        """The next message, which must be a `next` of `operation_id`: its payload."""
        message = await self.receive()
        assert message["type"] == "next", message
        assert message["id"] == operation_id, message
        return message["payload"]  # type: ignore[no-any-return]

    async def live(self, operation_id: str, field: str) -> dict[str, Any]:
        """The first message of examChanged or protocolChanged: the state when it started
        listening (after it, every committed change arrives)."""
        first = (await self.next(operation_id))["data"][field]
        assert first["kind"] == "current", first
        return first  # type: ignore[no-any-return]

    async def closed(self) -> tuple[int, str]:
        """Wait until the server closes the socket: its close code and reason. Every
        message that arrives first fails the test."""
        try:
            message = await asyncio.wait_for(self.socket.recv(), WAIT_SECONDS)
        except websockets.ConnectionClosed as closed:
            frame = closed.rcvd
        else:
            raise AssertionError(f"expected the socket to close, got {message}")
        assert frame is not None, "the socket ended without a close frame"
        return frame.code, frame.reason
