"""Keyset pagination: `first` and `after` over a stable order, with no OFFSET."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from graphql import GraphQLError
from tortoise.expressions import Q
from tortoise.fields import Field
from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.connection import MAX_PAGE_SIZE, Connection, Edge, PageInfo

T = TypeVar("T")


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(
        json.dumps(values, default=str, ensure_ascii=False).encode()
    ).decode()


def _invalid_cursor() -> GraphQLError:
    return GraphQLError("the `after` cursor is not valid", extensions={"code": "BAD_USER_INPUT"})


def cursor_values(cursor: str) -> list[Any] | None:
    """The values a cursor holds as JSON gave them, unchecked; None when it holds no list."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return values if isinstance(values, list) else None


def _decode(cursor: str, fields: Sequence[Field[Any]]) -> list[Any]:
    """The values a cursor holds, each checked against the column it is compared with: a
    cursor comes from the client, so a forged one must not reach the ORM unchecked."""
    values = cursor_values(cursor)
    if values is None or len(values) != len(fields):
        raise _invalid_cursor()
    checked = []
    for value, field in zip(values, fields, strict=True):
        if value is None or isinstance(value, dict | list):
            raise _invalid_cursor()
        try:
            python_value = field.to_python_value(value)
            field.validate(python_value)
        except Exception as e:  # noqa: BLE001 - any value the column would refuse
            raise _invalid_cursor() from e
        checked.append(python_value)
    return checked


def _field(model: type[Model], path: str) -> Field[Any]:
    """The model field at an ORM path such as ``person__last_name``."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.fields_map[relation].related_model  # type: ignore[attr-defined]
    return model._meta.fields_map[name]


def check_first(first: int) -> None:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise GraphQLError(
            f"`first` must be between 1 and {MAX_PAGE_SIZE}", extensions={"code": "BAD_USER_INPUT"}
        )


def _after_filter(order: Sequence[str], values: list[Any]) -> Q:
    """(a, b, id) after (x, y, z): a > x OR (a = x AND b > y) OR (... AND id > z)."""
    alternatives = []
    for i, path in enumerate(order):
        descending = path.startswith("-")
        column = path.lstrip("-")
        equal = {p.lstrip("-"): v for p, v in zip(order[:i], values[:i], strict=True)}
        beyond = {f"{column}__{'lt' if descending else 'gt'}": values[i]}
        alternatives.append(Q(**equal, **beyond))
    return Q(*alternatives, join_type="OR")


async def keyset_page(
    queryset: QuerySet[Any],
    *,
    order: Sequence[str],
    columns: Mapping[str, str],
    first: int,
    after: str | None,
    build: Callable[[dict[str, Any]], T],
) -> Connection[T]:
    """One page of `queryset` ordered by `order` (ORM paths, "-" for descending; the last one
    unique). `columns` maps row keys to ORM paths and must include every order path."""
    check_first(first)
    keys = [_row_key(columns, path.lstrip("-")) for path in order]
    page_query = queryset
    if after:
        fields = [_field(queryset.model, path.lstrip("-")) for path in order]
        page_query = page_query.filter(_after_filter(order, _decode(after, fields)))
    rows = await page_query.order_by(*order).limit(first + 1).values(**columns)
    has_next = len(rows) > first
    edges = [Edge(cursor=_encode([row[k] for k in keys]), node=build(row)) for row in rows[:first]]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=queryset.count,
    )


def _row_key(columns: Mapping[str, str], path: str) -> str:
    for key, column_path in columns.items():
        if column_path == path:
            return key
    raise ValueError(f"order path {path} is not among the selected columns")


def empty_connection() -> Connection[Any]:
    async def zero() -> int:
        return 0

    return Connection(
        edges=[],
        page_info=PageInfo(
            has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None
        ),
        count=zero,
    )
