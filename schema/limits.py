"""How long a string input may be, checked for every argument of every field before it runs.

A value longer than its column would otherwise reach the ORM and come back as an internal
error that echoes it. Each input declares its limit where it is defined: ``column(Model,
"field")`` takes the column's ``max_length``; ``at_most(SEARCH)`` and ``at_most(TEXT)`` cap
search terms and free texts. Undeclared strings get ``DEFAULT``, IDs ``IDENTIFIER`` and
cursors ``CURSOR``. ``install_input_limits`` wraps every field that takes a string: a value
over its limit is refused as ``INVALID_INPUT`` naming the argument path, in the mutation's
``userErrors`` when it has them, else as a GraphQL error; the value is never repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    GraphQLError,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
)
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.field import StrawberryField
from tortoise.models import Model

from models.workflow.errors import TOO_LONG, problem
from schema.errors import ErrorCode, UserError

SEARCH = 100
"""Search terms and filter values: longer than any name worth typing."""
TEXT = 4000
"""Free texts kept in a text column: comments, reasons."""
DEFAULT = 255
"""Any other string."""
IDENTIFIER = 200
"""Global IDs (ours are a few dozen characters)."""
CURSOR = 1000
"""Connection cursors (ours are well under this)."""

_MAX_LENGTH = "max_length"
_MAX_ITEMS = "max_items"


def at_most(length: int) -> dict[str, int]:
    """Metadata for ``strawberry.field`` / ``strawberry.argument``: at most ``length``."""
    return {_MAX_LENGTH: length}


def items_at_most(count: int) -> dict[str, int]:
    """Metadata for a list argument: at most ``count`` items (checked before execution)."""
    return {_MAX_ITEMS: count}


def declared_max_items(argument: Any) -> int | None:
    """The ``items_at_most`` bound of a GraphQL argument, if it declares one."""
    definition = (argument.extensions or {}).get("strawberry-definition")
    value = (getattr(definition, "metadata", None) or {}).get(_MAX_ITEMS)
    return value if isinstance(value, int) else None


def column(model: type[Model], field_name: str) -> dict[str, int]:
    """Metadata limiting an input to the ``max_length`` of the column it is stored in."""
    length = getattr(model._meta.fields_map[field_name], "max_length", None)
    if not isinstance(length, int):
        raise TypeError(f"{model.__name__}.{field_name} has no max_length")
    return at_most(length)


@dataclass(frozen=True)
class Leaf:
    """A string: at most ``max_length`` characters."""

    max_length: int


@dataclass(frozen=True)
class InputObject:
    """An input object: the limits of its fields that hold strings."""

    fields: Mapping[str, Spec]


@dataclass(frozen=True)
class ListOf:
    """A list: the limit of each item."""

    item: Spec


Spec = Leaf | InputObject | ListOf


def _unwrap(graphql_type: Any) -> Any:
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return graphql_type


def _declared(definition: Any) -> int | None:
    metadata = getattr(definition, "metadata", None) or {}
    value = metadata.get(_MAX_LENGTH)
    return value if isinstance(value, int) else None


def _spec(graphql_type: Any, definition: Any, name: str, seen: frozenset[str]) -> Spec | None:
    graphql_type = _unwrap(graphql_type)
    if isinstance(graphql_type, GraphQLList):
        item = _spec(graphql_type.of_type, definition, name, seen)
        return ListOf(item) if item is not None else None
    if graphql_type is GraphQLID:
        return Leaf(_declared(definition) or IDENTIFIER)
    if graphql_type is GraphQLString:
        return Leaf(_declared(definition) or (CURSOR if name == "after" else DEFAULT))
    if isinstance(graphql_type, GraphQLInputObjectType) and graphql_type.name not in seen:
        fields = {
            field_name: spec
            for field_name, field in graphql_type.fields.items()
            if (
                spec := _spec(
                    field.type,
                    (field.extensions or {}).get("strawberry-definition"),
                    field_name,
                    seen | {graphql_type.name},
                )
            )
            is not None
        }
        return InputObject(fields) if fields else None
    return None


def too_long(value: Any, spec: Spec, path: list[str]) -> Iterator[tuple[list[str], int, int]]:
    if value is None:
        return
    if isinstance(spec, Leaf):
        if isinstance(value, str) and len(value) > spec.max_length:
            yield path, len(value), spec.max_length
    elif isinstance(spec, ListOf):
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from too_long(item, spec.item, [*path, str(index)])
    elif isinstance(value, Mapping):
        for name, field_spec in spec.fields.items():
            yield from too_long(value.get(name), field_spec, [*path, name])


def payload_class(definition: StrawberryField) -> type | None:
    """The mutation payload type if the field returns one with ``userErrors``."""
    returned: Any = definition.type
    if isinstance(returned, StrawberryOptional):
        returned = returned.of_type
    object_definition = getattr(returned, "__strawberry_definition__", None)
    if object_definition is None:
        return None
    names = {f.python_name for f in object_definition.fields}
    return returned if "user_errors" in names else None


def refused_payload(payload: type, errors: list[UserError]) -> Any:
    """The payload with ``user_errors`` and nothing else: lists empty, the rest null."""
    values: dict[str, Any] = {}
    for field in payload.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if field.python_name == "user_errors":
            values[field.python_name] = errors
        elif isinstance(field.type, StrawberryList):
            values[field.python_name] = []
        else:
            values[field.python_name] = None
    return payload(**values)


def _limited_resolver(
    resolve: Callable[..., Any], specs: Mapping[str, Spec], payload: type | None
) -> Callable[..., Any]:
    def resolver(source: Any, info: Any, **arguments: Any) -> Any:
        problems = [
            problem("INVALID_INPUT", path, detail=TOO_LONG.format(length=length, max=limit))
            for name, spec in specs.items()
            for path, length, limit in too_long(arguments.get(name), spec, [name])
        ]
        if not problems:
            return resolve(source, info, **arguments)
        if payload is not None:
            errors = [
                UserError(field=list(p.field or ()), message=p.message, code=ErrorCode[p.code])
                for p in problems
            ]
            return refused_payload(payload, errors)
        first = problems[0]
        raise GraphQLError(
            first.message,
            extensions={"code": ErrorCode.INVALID_INPUT.value, "field": list(first.field or ())},
        )

    return resolver


def input_limits(schema: strawberry.Schema) -> dict[str, dict[str, Spec]]:
    """Every field that takes a string: "Type.field" → the limits of its arguments."""
    found: dict[str, dict[str, Spec]] = {}
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for name, field in graphql_type.fields.items():
            specs = {
                argument_name: spec
                for argument_name, argument in field.args.items()
                if (
                    spec := _spec(
                        argument.type,
                        (argument.extensions or {}).get("strawberry-definition"),
                        argument_name,
                        frozenset(),
                    )
                )
                is not None
            }
            if specs:
                found[f"{graphql_type.name}.{name}"] = specs
    return found


def install_input_limits(schema: strawberry.Schema) -> None:
    """Check the limits before the resolver of every field that takes a string."""
    for key, specs in input_limits(schema).items():
        type_name, field_name = key.split(".")
        graphql_type = schema._schema.type_map[type_name]
        assert isinstance(graphql_type, GraphQLObjectType)
        field = graphql_type.fields[field_name]
        definition = (field.extensions or {}).get("strawberry-definition")
        if field.resolve is None or not isinstance(definition, StrawberryField):
            raise TypeError(f"{key} takes strings but has no resolver to check them in")
        if field.subscribe is not None:
            # A subscription's arguments are checked once, when it starts.
            field.subscribe = _limited_resolver(field.subscribe, specs, None)
            continue
        field.resolve = _limited_resolver(field.resolve, specs, payload_class(definition))
