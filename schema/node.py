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


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, primary key), or None for an ID that is not one of ours."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        return (type_name, int(pk)) if type_name and pk.isdigit() else None
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
