"""Per-request observation: a request ID, the GraphQL operation and role for the logs, and
the request metrics.

`RequestObserver` wraps the whole ASGI app: it takes the caller's `X-Request-ID` when it is
sane (else makes one), echoes it in the response, and times GraphQL requests. The
`OperationObserver` extension names the operation and counts its errors. Both stay cheap: a
context variable, a clock read and three metric updates per request.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from app.logs import PERSONAL_CODE
from app.metrics import observe_request, operation_label
from app.request_context import (
    RequestInfo,
    current_request,
    reset_current_request,
    set_current_request,
)

REQUEST_ID_HEADER = b"x-request-id"
_SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:@/+=-]{1,128}")
GRAPHQL_PATH = "/graphql"


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The caller's request ID when it is short, printable and no personal code; otherwise
    a new random one."""
    for name, value in headers:
        if name == REQUEST_ID_HEADER:
            if _SANE_REQUEST_ID.fullmatch(value):
                text = value.decode("ascii")
                if not PERSONAL_CODE.search(text):
                    return text
            break
    return os.urandom(16).hex()


class RequestObserver:
    """ASGI middleware: request ID in, request ID out, GraphQL requests timed and counted."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        info = RequestInfo(request_id_from(scope["headers"]))
        header = (REQUEST_ID_HEADER, info.request_id.encode("ascii"))
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        token = set_current_request(info)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            reset_current_request(token)
            if scope["path"] == GRAPHQL_PATH:
                observe_request(
                    info.operation or operation_label(None),
                    status,
                    time.perf_counter() - started,
                    info.graphql_errors,
                )


class OperationObserver(SchemaExtension):
    """Names the request's GraphQL operation before it executes (so its log lines carry the
    name) and counts the errors of its response."""

    def on_execute(self) -> Iterator[None]:
        info = current_request()
        if info is not None:
            info.operation = operation_label(self.execution_context.operation_name)
        yield

    def on_operation(self) -> Iterator[None]:
        yield
        info = current_request()
        if info is not None:
            context = self.execution_context
            if info.operation is None:
                info.operation = operation_label(context.operation_name)
            info.graphql_errors += len(context.pre_execution_errors or ())
