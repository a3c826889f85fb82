"""What a GraphQL request body may be, checked before GraphQL sees it.

A body is read through `limited_receive`, which counts what actually arrives (a declared
Content-Length, chunked transfer or neither) and stops at the limit. A JSON document must be
an object (a list is a batch, which the schema refuses on its own) nested at most
`MAX_JSON_DEPTH` levels; a multipart upload's `operations` and `map` must have the shape of
the GraphQL multipart request spec. Anything else is a `RequestRefused`: a 400 or 413 with a
GraphQL error body and a code, never a server error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import JSONResponse
from starlette.types import Message, Receive

MAX_JSON_DEPTH = 64
"""Far deeper than any input object of the schema; shallow enough for every recursion."""

BAD_REQUEST = "BAD_REQUEST"
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"

NOT_JSON = "Päringu keha ei ole JSON. / The request body is not valid JSON."
NOT_AN_OBJECT = (
    "Päringu keha peab olema JSON-objekt. / "
    "The request body must be a JSON object with `query` and `variables`."
)
TOO_DEEP = (
    f"JSON on sügavamal kui {MAX_JSON_DEPTH} taset. / "
    f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels."
)
BAD_MULTIPART = (
    "Multipart-päringu `operations` peab olema JSON-objekt ja `map` objekt, mille väärtused on "
    "teeloendid. / A multipart request needs `operations` as a JSON object and `map` as an "
    "object whose values are lists of paths."
)
TOO_LARGE = "Päring on liiga suur. / The request is too large."


class RequestRefused(Exception):
    """A request that is refused as a whole, with its HTTP status and error code."""

    def __init__(self, status: int, message: str, code: str = BAD_REQUEST) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code

    def response(self) -> JSONResponse:
        return refusal(self.status, self.message, self.code)


def refusal(status: int, message: str, code: str = BAD_REQUEST) -> JSONResponse:
    """A GraphQL-shaped error body for a request refused before GraphQL ran."""
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` nests containers more than `limit` deep (no recursion)."""
    level: list[Any] = [value]
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
    return False


def decode_json(data: str | bytes) -> Any:
    """A JSON document as Python values; refused when malformed or nested too deep."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        # orjson stops at 1024 levels by itself: that too is "too deep" for us.
        message = TOO_DEEP if "depth limit" in str(error) else NOT_JSON
        raise RequestRefused(400, message) from error
    if _depth_exceeds(value, MAX_JSON_DEPTH):
        raise RequestRefused(400, TOO_DEEP)
    return value


def graphql_document(data: str | bytes) -> Any:
    """A request body or multipart `operations`: a JSON object (or a list, a batch)."""
    value = decode_json(data)
    if not isinstance(value, dict | list):
        raise RequestRefused(400, NOT_AN_OBJECT)
    return value


def files_map(data: str | bytes) -> dict[str, list[str]]:
    """A multipart request's `map`: form field name → the variable paths it fills."""
    value = decode_json(data)
    if not isinstance(value, Mapping) or not all(
        isinstance(paths, list) and all(isinstance(path, str) for path in paths)
        for paths in value.values()
    ):
        raise RequestRefused(400, BAD_MULTIPART)
    return dict(value)


def limited_receive(receive: Receive, limit: int) -> Receive:
    """`receive` that refuses the request once more than `limit` body bytes arrived."""
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise RequestRefused(413, TOO_LARGE, REQUEST_TOO_LARGE)
        return message

    return receive_within_limit
