"""Reading global IDs from arguments."""

from __future__ import annotations

from typing import overload

from graphql import GraphQLError

from schema.node import from_global_id


@overload
def pk_of(global_id: str, type_name: str, *, argument: str = "id") -> int: ...
@overload
def pk_of(global_id: None, type_name: str, *, argument: str = "id") -> None: ...
@overload
def pk_of(global_id: str | None, type_name: str, *, argument: str = "id") -> int | None: ...


def pk_of(global_id: str | None, type_name: str, *, argument: str = "id") -> int | None:
    """The primary key in a global ID of `type_name`; an ID of another type is a caller fault."""
    if global_id is None:
        return None
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] != type_name:
        raise GraphQLError(
            f"`{argument}` is not an ID of type {type_name}", extensions={"code": "BAD_USER_INPUT"}
        )
    return decoded[1]
