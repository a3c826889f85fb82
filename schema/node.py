"""The Node interface and opaque global IDs."""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache

import strawberry


@strawberry.interface(description="An object with a global ID that `node(id:)` can fetch again.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global ID of the object.")


@lru_cache(maxsize=65_536)
def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    raw = f"{type_name}:{pk}".encode()
    return strawberry.ID(base64.urlsafe_b64encode(raw).decode().rstrip("="))


MAX_PK = 2**63 - 1
"""The largest key a (64-bit) column holds: a larger number is no ID of ours."""


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, primary key), or None for an ID that is not one of ours: not base64, no
    type, a key that is not plain ASCII digits or does not fit a 64-bit column."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not type_name or not (pk.isascii() and pk.isdigit()) or len(pk) > 19:
        return None
    number = int(pk)
    return (type_name, number) if number <= MAX_PK else None
