"""How GraphQL errors are logged: the caller's faults at INFO without a traceback, the
server's at ERROR with one.

A caller fault is any error the server raised on purpose: it carries an `extensions.code`
(FORBIDDEN, INVALID_INPUT, BAD_USER_INPUT, QUERY_TOO_COSTLY, ...) or is no exception at all
(a syntax, validation or variable error). Anything else is a server fault. Either way the
line holds the error's message, code and path, never graphql-core's `str(error)`: that
prints the query's source around the error, wrapped at a fixed width, and a personal code
split over two of its lines would slip past redaction (app/logs.py).
"""

from __future__ import annotations

import logging

from graphql import GraphQLError

log = logging.getLogger("eksamihaldus.graphql")


def is_caller_fault(error: GraphQLError) -> bool:
    if "code" in (error.extensions or {}):
        return True
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


def _where(error: GraphQLError) -> str:
    if error.path:
        return ".".join(str(key) for key in error.path)
    if error.locations:
        return ", ".join(f"{loc.line}:{loc.column}" for loc in error.locations)
    return "-"


def log_error(error: GraphQLError) -> None:
    """One line for one GraphQL error, at the level its cause deserves."""
    code = (error.extensions or {}).get("code", "-")
    if is_caller_fault(error):
        log.info("GraphQL request refused (%s at %s): %s", code, _where(error), error.message)
    else:
        log.error(
            "GraphQL error at %s: %s",
            _where(error),
            error.message,
            exc_info=error.original_error,
        )
