"""Keyset-paginated connections in SQL: the same order, `first`/`after`, cursors and
`pageInfo` as resolvers/pagination.py, `totalCount` counted only when asked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, GraphQLField, GraphQLObjectType, get_named_type
from graphql.execution.collect_fields import FieldDetails

from resolvers.compiled.catalog import CATALOG, Paged
from resolvers.compiled.compiler import arguments
from resolvers.compiled.plan import Binding, Decline, FieldStep, Getter, ObjectPlan
from resolvers.compiled.spelling import base64url, literal
from resolvers.ids import pk_of
from resolvers.pagination import check_first, cursor_values

if TYPE_CHECKING:
    from resolvers.compiled.compiler import Compiler


def _first(binding: Binding, field_def: GraphQLField, details: FieldDetails) -> int:
    first = arguments(binding, field_def, details)["first"]
    try:
        check_first(first)
    except GraphQLError as error:
        raise Decline from error  # today's path reports it, at the same place
    return int(first)


def _after(
    binding: Binding, field_def: GraphQLField, details: FieldDetails, paged: Paged
) -> list[Any]:
    after = arguments(binding, field_def, details)["after"]
    if after is None:
        raise Decline  # the statement was compiled for a cursor
    values = cursor_values(after)
    if values is None or len(values) != len(paged.order):
        raise Decline  # today's path says what is wrong with it
    for value, (_, python_type) in zip(values, paged.cursor_types, strict=True):
        if type(value) is not python_type:
            raise Decline  # not a cursor we issued; today's path says what it says
    return values


def paged(
    compiler: Compiler,
    paged: Paged,
    field_def: GraphQLField,
    details: list[FieldDetails],
    parent: str | None,
) -> tuple[str, ObjectPlan | None] | None:
    """The connection's JSON as a scalar subquery, or None when this field (an argument
    the compiled path does not handle, or one today's path refuses) falls back."""
    now = compiler.arguments_now(field_def, details[0])
    for name, value in now.items():
        if name not in ("first", "after", *paged.arguments) and value is not None:
            return None
    first_value = now.get("first")
    if not isinstance(first_value, int) or not 1 <= first_value <= 100:
        return None
    connection_type = get_named_type(field_def.type)
    assert isinstance(connection_type, GraphQLObjectType)
    target = CATALOG[paged.target]
    a, c = compiler.alias(), compiler.alias()
    first = compiler.bind(lambda binding: _first(binding, field_def, details[0]), "int")

    base = [f"{{t}}.{paged.fk} = {parent}.id"] if paged.fk and parent else []
    if target.where:
        base.append(target.where)
    base += compiler.scoped(paged.scope, "{t}")
    if "filter" in paged.arguments and now.get("filter") is not None:
        base += _exam_filter(compiler, field_def, details[0])
    order = [(column, descending) for column, descending in paged.order]

    def render(conditions: list[str], alias: str) -> str:
        return " AND ".join(conditions).replace("{t}", alias) or "TRUE"

    conditions = list(base)
    after_given = now.get("after") is not None
    if after_given:
        conditions.append(_after_condition(compiler, paged, field_def, details[0]))
    order_sql = ", ".join(
        column.replace("{t}", a) + (" DESC" if descending else "") for column, descending in order
    )
    joins = paged.joins.replace("{t}", a)
    cursor = base64url(
        "json_build_array(" + ", ".join(column.replace("{t}", a) for column, _ in order) + ")::text"
    )
    columns = [f"row_number() OVER (ORDER BY {order_sql}) AS rn", f"{cursor} AS cursor"]

    pairs: list[str] = []
    steps: list[FieldStep] = []
    for key, field_details in compiler.collect(connection_type, details).items():
        name = field_details[0].node.name.value
        if name == "__typename":
            expression = literal(connection_type.name)
        elif name == "totalCount":
            b = compiler.alias()
            expression = (
                f"(SELECT count(*) FROM {target.table} {b} {paged.joins.replace('{t}', b)} "
                f"WHERE {render(base, b)})"
            )
        elif name == "pageInfo":
            expression = _page_info(compiler, connection_type, field_details, c, first, after_given)
        else:  # edges
            edge_type = get_named_type(connection_type.fields["edges"].type)
            assert isinstance(edge_type, GraphQLObjectType)
            edge_pairs: list[str] = []
            edge_steps: list[FieldStep] = []
            for edge_key, edge_details in compiler.collect(edge_type, field_details).items():
                edge_name = edge_details[0].node.name.value
                if edge_name == "__typename":
                    edge_pairs.append(f"{literal(edge_key)}, {literal(edge_type.name)}")
                elif edge_name == "cursor":
                    edge_pairs.append(f"{literal(edge_key)}, {c}.cursor")
                else:  # node
                    node_field = edge_type.fields["node"]
                    node_type = get_named_type(node_field.type)
                    assert isinstance(node_type, GraphQLObjectType)
                    obj, node_plan = compiler.object(node_type, edge_details, a, paged.person_codes)
                    column = f"n{len(columns)}"
                    columns.append(f"{obj} AS {column}")
                    edge_pairs.append(f"{literal(edge_key)}, {c}.{column}")
                    if node_plan is not None:
                        edge_steps.append(
                            FieldStep(
                                edge_key, "object", edge_details, node_field, "node", node_plan
                            )
                        )
            edge = f"json_build_object({', '.join(edge_pairs)})"
            expression = (
                f"coalesce(json_agg({edge} ORDER BY {c}.rn) FILTER (WHERE {c}.rn <= {first}), "
                "'[]'::json)"
            )
            if edge_steps:
                steps.append(
                    FieldStep(
                        key,
                        "list",
                        field_details,
                        connection_type.fields["edges"],
                        "edges",
                        ObjectPlan(edge_type, edge_steps),
                    )
                )
        pairs.append(f"{literal(key)}, {expression}")
    rows = (
        f"SELECT {', '.join(columns)} FROM {target.table} {a} {joins} "
        f"WHERE {render(conditions, a)} ORDER BY {order_sql} LIMIT {first} + 1"
    )
    # One row even when no aggregate is asked for (`{ totalCount }`): the empty grouping set.
    expression = f"(SELECT json_build_object({', '.join(pairs)}) FROM ({rows}) {c} GROUP BY ())"
    return expression, ObjectPlan(connection_type, steps) if steps else None


def _page_info(
    compiler: Compiler,
    connection_type: GraphQLObjectType,
    details: list[FieldDetails],
    c: str,
    first: str,
    after_given: bool,
) -> str:
    page_info_type = get_named_type(connection_type.fields["pageInfo"].type)
    assert isinstance(page_info_type, GraphQLObjectType)
    page = f"FILTER (WHERE {c}.rn <= {first})"
    values = {
        "hasNextPage": f"count(*) > {first}",
        "hasPreviousPage": "true" if after_given else "false",
        "startCursor": f"(array_agg({c}.cursor ORDER BY {c}.rn) {page})[1]",
        "endCursor": f"(array_agg({c}.cursor ORDER BY {c}.rn DESC) {page})[1]",
        "__typename": literal(page_info_type.name),
    }
    pairs = [
        f"{literal(key)}, {values[field_details[0].node.name.value]}"
        for key, field_details in compiler.collect(page_info_type, details).items()
    ]
    return f"json_build_object({', '.join(pairs)})"


def _after_condition(
    compiler: Compiler, paged: Paged, field_def: GraphQLField, details: FieldDetails
) -> str:
    """(a, b, id) after (x, y, z): a > x OR (a = x AND b > y) OR (... AND id > z)."""

    def value(index: int) -> Getter:
        return lambda binding: _after(binding, field_def, details, paged)[index]

    placeholders = [
        compiler.bind(value(i), paged.cursor_types[i][0]) for i in range(len(paged.order))
    ]
    alternatives = []
    for i, (column, descending) in enumerate(paged.order):
        equal = [f"{paged.order[j][0]} = {placeholders[j]}" for j in range(i)]
        beyond = f"{column} {'<' if descending else '>'} {placeholders[i]}"
        alternatives.append("(" + " AND ".join([*equal, beyond]) + ")")
    return "(" + " OR ".join(alternatives) + ")"


def _filter_value(value: Any, name: str, python_name: str) -> Any:
    if isinstance(value, dict):
        return value.get(name, value.get(python_name))
    return getattr(value, python_name, None)


def _exam_filter(compiler: Compiler, field_def: GraphQLField, details: FieldDetails) -> list[str]:
    """ExamFilter as resolvers/exam.py applies it, each condition off when its value is null."""

    def value(binding: Binding, name: str, python_name: str) -> Any:
        given = arguments(binding, field_def, details).get("filter")
        return None if given is None else _filter_value(given, name, python_name)

    def statuses(binding: Binding) -> list[str] | None:
        chosen = value(binding, "status", "status")
        return [getattr(s, "value", s) for s in chosen] if chosen else None

    def pk(binding: Binding, name: str, type_name: str) -> int | None:
        given = value(binding, name, name)
        try:
            return pk_of(given, type_name, argument=name) if given else None
        except GraphQLError as error:
            raise Decline from error

    status = compiler.bind(statuses, "text[]")
    curriculum = compiler.bind(lambda b: pk(b, "curriculum", "Curriculum"), "int")
    standard = compiler.bind(lambda b: pk(b, "standard", "Standard"), "int")
    since = compiler.bind(lambda b: value(b, "graduationFrom", "graduation_from") or None, "date")
    until = compiler.bind(lambda b: value(b, "graduationUntil", "graduation_until") or None, "date")
    return [
        f"({status} IS NULL OR {{t}}.status = ANY({status}))",
        f"({curriculum} IS NULL OR {{t}}.curriculum_id = {curriculum})",
        f"({standard} IS NULL OR {{t}}.standard_id = {standard})",
        f"({since} IS NULL OR {{t}}.graduation_date >= {since})",
        f"({until} IS NULL OR {{t}}.graduation_date <= {until})",
    ]
