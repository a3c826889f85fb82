"""Which browser origins may call the API: one rule for CORS (fetch from another origin) and
for the WebSocket handshake of live updates.

An origin pattern is `*` (any origin), an exact origin such as `https://eksam.example.ee`, or
one with `:*` for the port (`http://localhost:*`: any port, or none). Tokens travel in the
Authorization header or in `connection_init`, never in cookies, so no credentials mode is
offered: an allowed origin gains no one's authority by the rule itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

DEVELOPMENT_ORIGINS = ("http://localhost:*",)
ANY_PORT = ":*"
# How long a browser may reuse a preflight's answer.
PREFLIGHT_MAX_AGE_SECONDS = 600


class OriginPatternError(ValueError):
    """An origin pattern is malformed; the message names it."""


def check_pattern(pattern: str) -> str:
    """The pattern itself if it is `*` or scheme://host[:port|:*] with nothing after it."""
    if pattern == "*":
        return pattern
    base = pattern[: -len(ANY_PORT)] if pattern.endswith(ANY_PORT) else pattern
    try:
        parts = urlsplit(base)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise OriginPatternError(f"{pattern!r} is not an origin") from None
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username
        or (pattern.endswith(ANY_PORT) and parts.port is not None)
    ):
        raise OriginPatternError(
            f"{pattern!r} is not an origin (scheme://host, scheme://host:port or scheme://host:*)"
        )
    return pattern


def origin_regex(patterns: Sequence[str]) -> str | None:
    """One regular expression matching every allowed origin, or None when none is."""
    if not patterns:
        return None
    if "*" in patterns:
        return r".*"
    alternatives = []
    for pattern in patterns:
        if pattern.endswith(ANY_PORT):
            alternatives.append(re.escape(pattern[: -len(ANY_PORT)].lower()) + r"(?::\d{1,5})?")
        else:
            alternatives.append(re.escape(pattern.lower()))
    return "(?:" + "|".join(alternatives) + ")"


class OriginPolicy:
    """The configured origins, as a predicate and as Starlette's CORS middleware."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(check_pattern(p) for p in patterns)
        regex = origin_regex(self.patterns)
        self._match = re.compile(regex) if regex is not None else None

    def allows(self, origin: str) -> bool:
        return self._match is not None and self._match.fullmatch(origin.lower()) is not None

    def middleware(self) -> Middleware:
        return Middleware(
            CORSMiddleware,
            allow_origin_regex=origin_regex(self.patterns) or r"(?!)",
            allow_methods=["GET", "POST"],
            # Whatever a GraphQL client sends (Authorization, Content-Type, its own headers):
            # without credentials mode that is safe to mirror.
            allow_headers=["*"],
            expose_headers=["X-Request-ID"],
            max_age=PREFLIGHT_MAX_AGE_SECONDS,
        )
