"""Live updates over graphql-transport-ws: the sign-in in `connection_init`, the socket closed
when the token expires or the role is withdrawn, and a limit of operations per socket.

A socket without a token is accepted (public data could be live one day); a private
subscription on it closes the socket with 4401 and the reason `UNAUTHENTICATED`, as does a
refused token in `connection_init`, an expired token and a withdrawn role.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from graphql import GraphQLError
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)

from app.auth import AuthError, KeyRing, TokenClaims, claims_from_header, viewer_for
from app.settings import Settings
from models.access import PUBLIC, Viewer
from resolvers.context import Context

log = logging.getLogger("eksamihaldus")

CLOSE_UNAUTHENTICATED = 4401
UNAUTHENTICATED = "UNAUTHENTICATED"
TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
# A WebSocket close reason is at most 123 bytes.
MAX_CLOSE_REASON = 123


class LiveConnection:
    """One socket's signed-in person, checked again whenever an event is about to go out."""

    def __init__(self, keys: KeyRing, settings: Settings, websocket: WebSocket) -> None:
        self.keys = keys
        self.settings = settings
        self.websocket = websocket
        self.claims: TokenClaims | None = None
        self.viewer: Viewer = PUBLIC
        self.closed = asyncio.Event()
        self._expiry: asyncio.Task[None] | None = None

    async def sign_in(self, payload: Mapping[str, Any]) -> None:
        """Take the token from `connection_init`'s payload (`authorization: Bearer <token>`);
        none leaves the socket public. A refused token raises AuthError."""
        header = payload.get("authorization", payload.get("Authorization"))
        if header is None or header == "":
            return
        if not isinstance(header, str):
            raise AuthError("connection_init's authorization must be 'Bearer <token>'")
        claims = claims_from_header(self.keys, self.settings, header)
        self.viewer = await viewer_for(claims)
        self.claims = claims
        if claims.expires_at is not None:
            self._expiry = asyncio.create_task(self._close_at(claims.expires_at))

    async def _close_at(self, expires_at: int) -> None:
        await asyncio.sleep(max(0.0, expires_at - time.time()))
        await self.close(f"{UNAUTHENTICATED}: the access token has expired")

    async def recheck(self) -> Viewer | None:
        """The viewer as the database says now, or None after closing the socket because
        the token has expired or the role was withdrawn."""
        if self.claims is None:
            return PUBLIC
        try:
            if self.claims.expires_at is not None and self.claims.expires_at <= time.time():
                raise AuthError("the access token has expired")
            return await viewer_for(self.claims)
        except AuthError as error:
            await self.close(f"{UNAUTHENTICATED}: {error}")
            return None

    async def current_viewer(self) -> Viewer:
        """`recheck` for an operation: once the socket is closed this never returns, and
        the socket's end cancels the operation."""
        viewer = await self.recheck()
        if viewer is None:
            await asyncio.Event().wait()
            raise AssertionError("unreachable: the wait ends only by cancellation")
        return viewer

    async def require_signed_in(self) -> Viewer:
        """The viewer of a private subscription: a socket without a token is closed."""
        if self.claims is None:
            await self.close(UNAUTHENTICATED)
            await asyncio.Event().wait()
        return await self.current_viewer()

    async def close(self, reason: str) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        self.stop()
        encoded = reason.encode()[:MAX_CLOSE_REASON].decode(errors="ignore")
        with suppress(RuntimeError, OSError):
            await self.websocket.close(CLOSE_UNAUTHENTICATED, encoded)

    def stop(self) -> None:
        if self._expiry is not None and self._expiry is not asyncio.current_task():
            self._expiry.cancel()


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    """graphql-transport-ws messages are text frames; the HTTP side encodes to bytes."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        encoded = self.view.encode_json(message)
        try:
            await self.ws.send_text(encoded.decode() if isinstance(encoded, bytes) else encoded)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class LiveHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler with our sign-in and limit."""

    @property
    def live(self) -> LiveConnection:
        live = self.context.live
        assert live is not None
        return live

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        if not self.connection_init_received and isinstance(payload, dict):
            try:
                await self.live.sign_in(payload)
            except AuthError as error:
                if self.connection_init_timeout_task:
                    self.connection_init_timeout_task.cancel()
                await self.live.close(f"{UNAUTHENTICATED}: {error}")
                return
            self.context.use_viewer(self.live.viewer)
        await super().handle_connection_init(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        limit = self.live.settings.ws_max_subscriptions
        if (
            self.connection_acknowledged
            and message["id"] not in self.operations
            and len(self.operations) >= limit
        ):
            error = GraphQLError(
                f"Ühel ühendusel on juba {limit} tellimust. / "
                f"This connection already has {limit} subscriptions.",
                extensions={"code": TOO_MANY_SUBSCRIPTIONS},
            )
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        if self.connection_acknowledged:
            # Every operation starts as the person is now, with loaders of its own (the
            # socket's context outlives any one operation).
            viewer = await self.live.recheck()
            if viewer is None:
                return
            self.context.use_viewer(viewer)
        await super().handle_subscribe(message)

    async def shutdown(self) -> None:
        self.live.stop()
        await super().shutdown()
