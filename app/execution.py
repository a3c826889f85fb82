"""A faster way to complete plain fields, with the standard path for everything else.

graphql-core completes every field alike: it builds a resolve-info object, calls the resolver
through Strawberry's wrapper, then completes the value by its type. For the bulk of a large
answer (participants' names, codes, results; edges and nodes) the resolver is a plain
attribute read. This execution context compiles each selection set once per request into a
flat list of steps, reads plain attributes directly, serialises leaves by their type, and
completes plain nested objects and lists of objects (also those a resolver returned)
without the per-item machinery. A field with a resolver, arguments or directives, an
abstract type, a null where null is not allowed, or a hidden guarded field (whose FORBIDDEN
error the standard path reports) takes the standard path. The answer is the same either way:
tests/app/test_execution.py compares both paths for every demo role.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

# Step kinds.
_STANDARD, _TYPENAME, _LEAF, _OBJECT, _LIST = range(5)


def _unwrap(graphql_type: GraphQLOutputType) -> tuple[Any, bool]:
    if isinstance(graphql_type, GraphQLNonNull):
        return graphql_type.of_type, False
    return graphql_type, True


def _serializer(leaf_type: Any) -> Callable[[Any], Any]:
    serialize: Callable[[Any], Any] = leaf_type.serialize
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        return lambda value: value if type(value) is str else serialize(value)
    if isinstance(leaf_type, GraphQLEnumType):
        # Our enums are string enums: a member and its plain value both map to the name.
        names = {value.value: name for name, value in leaf_type.values.items()}
        return lambda value: names.get(value) or serialize(value)
    return serialize


def _step(field: Any, node: Any) -> tuple[int, Any]:
    """How to complete one field: a kind and what that kind needs."""
    definition = (field.extensions or {}).get("strawberry-definition")
    if (
        not isinstance(definition, StrawberryField)
        or field.args
        or node.arguments
        or node.directives
    ):
        return _STANDARD, None
    guard = definition.metadata.get("guard")
    plain = getattr(field.resolve, "__name__", "") == "_get_basic_result"
    if not plain and guard is None:
        return _STANDARD, None
    attribute = definition.python_name
    inner, nullable = _unwrap(field.type)
    if is_leaf_type(inner):
        return _LEAF, (attribute, _serializer(inner), nullable, guard)
    if guard is not None:
        return _STANDARD, None
    if isinstance(inner, GraphQLObjectType):
        return _OBJECT, (attribute, inner, nullable)
    if isinstance(inner, GraphQLList):
        item, items_nullable = _unwrap(inner.of_type)
        if isinstance(item, GraphQLObjectType):
            return _LIST, (attribute, item, nullable, items_nullable)
    return _STANDARD, None


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Completes plain fields directly; see the module docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # id(grouped field set) -> (the set, kept alive so the id stays unique; its steps)
        self._compiled: dict[int, tuple[Any, list[tuple[Any, ...]]]] = {}
        # id(grouped field set) -> (the set; its leaves, or None when not all are leaves)
        self._leaf_only: dict[int, tuple[Any, list[tuple[Any, ...]] | None]] = {}

    def _steps(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[Any]:
        cached = self._compiled.get(id(grouped_field_set))
        if cached is not None and cached[0] is grouped_field_set:
            return cached[1]
        steps = []
        for response_name, field_details_list in grouped_field_set.items():
            node = field_details_list[0].node
            name = node.name.value
            if name == "__typename":
                kind, plan = _TYPENAME, None
            else:
                field = parent_type.fields.get(name)
                kind, plan = (_STANDARD, None) if field is None else _step(field, node)
            steps.append((response_name, kind, plan, field_details_list))
        self._compiled[id(grouped_field_set)] = (grouped_field_set, steps)
        return steps

    def _leaves(self, object_type: GraphQLObjectType, field_details_list: Any) -> Any:
        """The steps of a selection made only of plain leaves and plain objects that are
        themselves made only of those (a participant with its person), else None."""
        grouped_field_set = self.collect_subfields(object_type, field_details_list)[0]
        cached = self._leaf_only.get(id(grouped_field_set))
        if cached is not None and cached[0] is grouped_field_set:
            return cached[1]
        leaves: list[tuple[Any, ...]] = []
        for response_name, kind, plan, details in self._steps(object_type, grouped_field_set):
            if kind == _LEAF:
                leaves.append((response_name, *plan, None))
            elif kind == _TYPENAME:
                leaves.append((response_name, None, object_type.name, False, None, None))
            elif kind == _OBJECT and (nested := self._leaves(plan[1], details)) is not None:
                attribute, nested_type, nullable = plan
                leaves.append(
                    (response_name, attribute, None, nullable, None, (nested_type, nested))
                )
            else:
                self._leaf_only[id(grouped_field_set)] = (grouped_field_set, None)
                return None
        self._leaf_only[id(grouped_field_set)] = (grouped_field_set, leaves)
        return leaves

    @classmethod
    def _complete_leaves(cls, leaves: list[tuple[Any, ...]], source: Any) -> dict[str, Any] | None:
        """A plain object (and its plain objects) at once; None sends it down the general
        path, which reports whatever was wrong."""
        completed: dict[str, Any] = {}
        for response_name, attribute, serialize, nullable, guard, nested in leaves:
            if attribute is None:  # __typename
                completed[response_name] = serialize
                continue
            if guard is not None and not getattr(source, guard):
                return None
            value = getattr(source, attribute)
            if value is None:
                if not nullable:
                    return None
                completed[response_name] = None
                continue
            if nested is not None:
                nested_type, nested_leaves = nested
                if not _is_of(nested_type, value):
                    return None
                inner = cls._complete_leaves(nested_leaves, value)
                if inner is None:
                    return None
                completed[response_name] = inner
                continue
            serialized = serialize(value)
            if serialized is None or serialized is Undefined:
                return None
            completed[response_name] = serialized
        return completed

    def execute_fields(  # type: ignore[override]
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        results: dict[str, Any] = {}
        pending: list[str] = []
        is_awaitable = self.is_awaitable
        try:
            for response_name, kind, plan, field_details_list in self._steps(
                parent_type, grouped_field_set
            ):
                if kind == _LEAF:
                    attribute, serialize, nullable, guard = plan
                    if guard is None or getattr(source, guard):
                        value = getattr(source, attribute)
                        if value is None:
                            if nullable:
                                results[response_name] = None
                                continue
                        else:
                            serialized = serialize(value)
                            if serialized is not None and serialized is not Undefined:
                                results[response_name] = serialized
                                continue
                    result: Any = self._standard(
                        parent_type,
                        source,
                        field_details_list,
                        path,
                        response_name,
                        position_context,
                    )
                elif kind == _TYPENAME:
                    results[response_name] = parent_type.name
                    continue
                elif kind == _STANDARD:
                    result = self._standard(
                        parent_type,
                        source,
                        field_details_list,
                        path,
                        response_name,
                        position_context,
                    )
                else:
                    result = self._complete_nested(
                        kind,
                        plan,
                        parent_type,
                        source,
                        field_details_list,
                        path,
                        response_name,
                        position_context,
                    )
                if result is Undefined:
                    continue
                results[response_name] = result
                if is_awaitable(result):
                    pending.append(response_name)
        except Exception:
            if pending:
                self.settle_in_background([results[name] for name in pending])
            raise
        if not pending:
            return results
        return self._gather(results, pending)

    def _standard(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path | None,
        response_name: str,
        position_context: Any,
    ) -> Any:
        return self.execute_field(
            parent_type,
            source,
            field_details_list,
            Path(path, response_name, parent_type.name),
            position_context,
        )

    async def _gather(self, results: dict[str, Any], pending: list[str]) -> dict[str, Any]:
        if len(pending) == 1:
            results[pending[0]] = await results[pending[0]]
            return results
        values = await gather_with_cancel(*(results[name] for name in pending))
        results.update(zip(pending, values, strict=True))
        return results

    def _complete_nested(
        self,
        kind: int,
        plan: Any,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path | None,
        response_name: str,
        position_context: Any,
    ) -> Any:
        value = getattr(source, plan[0])
        if value is None:
            if plan[2]:
                return None
            return self._standard(
                parent_type, source, field_details_list, path, response_name, position_context
            )
        field_path = Path(path, response_name, parent_type.name)
        if kind == _OBJECT:
            object_type = plan[1]
            if not _is_of(object_type, value):
                return self._standard(
                    parent_type,
                    source,
                    field_details_list,
                    path,
                    response_name,
                    position_context,
                )
            completion = lambda: self.execute_fields(  # noqa: E731
                object_type,
                value,
                field_path,
                self.collect_subfields(object_type, field_details_list)[0],
                position_context,
            )
        else:
            items = self._plain_items(plan[1], plan[3], value)
            if items is None:
                return self._standard(
                    parent_type,
                    source,
                    field_details_list,
                    path,
                    response_name,
                    position_context,
                )
            completion = lambda: self._complete_items(  # noqa: E731
                plan[1], plan[3], items, field_details_list, field_path, position_context
            )
        field_type = parent_type.fields[field_details_list[0].node.name.value].type
        return self._handled(completion, field_type, field_details_list, field_path)

    def complete_value(  # type: ignore[override]
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """A resolver's list of plain objects (a loader's participants, say) is completed
        item by item here, without graphql-core's per-item steps."""
        inner, _ = _unwrap(return_type)
        if isinstance(inner, GraphQLList) and isinstance(result, list):
            node = field_details_list[0].node
            item_type, items_nullable = _unwrap(inner.of_type)
            if isinstance(item_type, GraphQLObjectType) and not node.directives:
                items = self._plain_items(item_type, items_nullable, result)
                if items is not None:
                    return self._complete_items(
                        item_type,
                        items_nullable,
                        items,
                        field_details_list,
                        path,
                        position_context,
                    )
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    @staticmethod
    def _plain_items(item_type: GraphQLObjectType, items_nullable: bool, value: Any) -> Any:
        items = value if isinstance(value, list) else list(value)
        for item in items:
            if item is None:
                if not items_nullable:
                    return None
            elif not _is_of(item_type, item):
                return None
        return items

    def _complete_items(
        self,
        item_type: GraphQLObjectType,
        items_nullable: bool,
        items: list[Any],
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        grouped_field_set = self.collect_subfields(item_type, field_details_list)[0]
        leaves = self._leaves(item_type, field_details_list)
        completed: list[Any] = []
        pending: list[int] = []
        execute_fields = self.execute_fields
        is_awaitable = self.is_awaitable
        for index, item in enumerate(items):
            if item is None:
                completed.append(None)
                continue
            if leaves is not None:
                plain = self._complete_leaves(leaves, item)
                if plain is not None:
                    completed.append(plain)
                    continue
            item_path = Path(path, index, None)
            if items_nullable:
                # A failing nullable item becomes null on its own, as in the standard path.
                result = self._handled(
                    partial(
                        execute_fields,
                        item_type,
                        item,
                        item_path,
                        grouped_field_set,
                        position_context,
                    ),
                    item_type,
                    field_details_list,
                    item_path,
                )
            else:
                result = execute_fields(
                    item_type, item, item_path, grouped_field_set, position_context
                )
            if is_awaitable(result):
                pending.append(index)
            completed.append(result)
        if not pending:
            return completed

        async def gather() -> list[Any]:
            values = await gather_with_cancel(*(completed[i] for i in pending))
            for index, result in zip(pending, values, strict=True):
                completed[index] = result
            return completed

        return gather()

    def _handled(
        self,
        complete: Callable[[], Any],
        field_type: GraphQLOutputType,
        field_details_list: Any,
        path: Path,
    ) -> Any:
        """Errors below a plain field are handled at that field, as the standard path does."""
        try:
            result = complete()
        except Exception as error:
            self.handle_field_error(error, field_type, field_details_list, path)
            return None
        if not self.is_awaitable(result):
            return result

        async def settle(awaitable: Awaitable[Any]) -> Any:
            try:
                return await awaitable
            except Exception as error:
                self.handle_field_error(error, field_type, field_details_list, path)
                return None

        return settle(result)


_CHECKED = "_eksamihaldus_checked_classes"


def _is_of(object_type: GraphQLObjectType, value: Any) -> bool:
    """Strawberry's is_type_of, remembered per Python class: it depends only on the class
    unless strawberry.cast marks an object, which this project never does."""
    check = object_type.is_type_of
    if check is None:
        return True
    checked: dict[type, bool] | None = getattr(object_type, _CHECKED, None)
    if checked is None:
        checked = {}
        setattr(object_type, _CHECKED, checked)
    cls = type(value)
    known = checked.get(cls)
    if known is None:
        known = checked[cls] = bool(check(value, None))  # type: ignore[arg-type]
    return known
