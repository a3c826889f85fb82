"""What is known about the request being served, for its log lines and metrics.

The ASGI middleware (`app.observe`) sets one `RequestInfo` per HTTP request in a context
variable; the authentication step fills in the role and the GraphQL extension the operation
name, so every log line written while the request runs (uvicorn's access line included) can
carry them.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(slots=True)
class RequestInfo:
    request_id: str
    operation: str | None = None
    role: str | None = None
    graphql_errors: int = 0


_current: ContextVar[RequestInfo | None] = ContextVar("eksamihaldus_request", default=None)


def current_request() -> RequestInfo | None:
    """The request being served in this task, or None outside a request."""
    return _current.get()


def set_current_request(info: RequestInfo | None) -> Token[RequestInfo | None]:
    """Make `info` the current request; returns a token for `reset_current_request`."""
    return _current.set(info)


def reset_current_request(token: Token[RequestInfo | None]) -> None:
    _current.reset(token)
