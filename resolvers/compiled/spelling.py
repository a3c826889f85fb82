"""Scalars spelled in SQL exactly as the GraphQL path spells them in Python.

Strawberry writes dates, times and datetimes with `isoformat()` (which leaves out zero
microseconds), global IDs as `schema.node.to_global_id` does, and enum members by name (our
enums' values are their names: tests/compiled/test_catalog.py checks it).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLEnumType, GraphQLScalarType


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def base64url(expression: str) -> str:
    """URL-safe base64 of a text's UTF-8 bytes, padded, on one line (Python's
    `base64.urlsafe_b64encode`); PostgreSQL breaks base64 lines at 76 characters."""
    return f"translate(encode(convert_to({expression}, 'UTF8'), 'base64'), E'+/\\n', '-_')"


def global_id(type_name: str, pk: str) -> str:
    """`to_global_id(type_name, pk)`: base64url of "Type:pk" without padding."""
    prefix = literal(f"{type_name}:")
    return f"rtrim({base64url(f'{prefix} || {pk}')}, '=')"


def time_of_day(expression: str) -> str:
    """`time.isoformat()`: HH:MM:SS, and .ffffff only when there are microseconds."""
    return (
        f"(to_char({expression}, 'HH24:MI:SS') || CASE WHEN "
        f"date_part('microseconds', {expression})::bigint % 1000000 <> 0 "
        f"THEN to_char({expression}, '.US') ELSE '' END)"
    )


def instant(expression: str) -> str:
    """An aware UTC `datetime.isoformat()`: ...THH:MM:SS[.ffffff]+00:00, whatever the
    session's time zone."""
    utc = f"({expression} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
        f"date_part('microseconds', {utc})::bigint % 1000000 <> 0 "
        f"THEN to_char({utc}, '.US') ELSE '' END || '+00:00')"
    )


def scalar(named_type: Any, expression: str) -> str | None:
    """The JSON-ready SQL of a leaf of this GraphQL type, or None when it is not spelled here."""
    if isinstance(named_type, GraphQLEnumType):
        if any(value.value != name for name, value in named_type.values.items()):
            return None
        return expression
    if not isinstance(named_type, GraphQLScalarType):
        return None
    match named_type.name:
        case "String" | "Int" | "Boolean" | "Date":
            # json_build_object writes a date as YYYY-MM-DD (ISO 8601 whatever DateStyle is).
            return expression
        case "Time":
            return time_of_day(expression)
        case "DateTime":
            return instant(expression)
        case _:
            return None
