"""Enumerations registered with GraphQL with a description on the type and on every value.

Front-end teams generate clients from the schema; a value without a description leaves them
guessing what it means and what to do about it. `described_enum` refuses to register an
enumeration unless every member is described, so a new value cannot slip in bare.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

import strawberry

E = TypeVar("E", bound=type[Enum])


def described_enum(
    enum: E,
    *,
    description: str,
    values: Mapping[Any, str],
    name: str | None = None,
) -> E:
    """Register `enum` with GraphQL; `values` maps every member to its description."""
    missing = [member.name for member in enum if member not in values]
    extra = [key for key in values if key not in set(enum)]
    if missing or extra:
        raise ValueError(
            f"{enum.__name__}: describe every value exactly once "
            f"(missing {missing}, unknown {extra})"
        )
    strawberry.enum(enum, name=name, description=description)
    definition = enum.__strawberry_definition__  # type: ignore[attr-defined]
    by_name = {member.name: text for member, text in values.items()}
    for value in definition.values:
        value.description = by_name[value.name]
    return enum
