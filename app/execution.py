"""A faster way to complete plain fields, with the standard path for everything else.

graphql-core completes every field alike: it builds a resolve-info object, calls the resolver
through Strawberry's wrapper, then completes the value by its type. For the bulk of a large
answer (participants' names, codes, results; edges and nodes) the resolver is a plain
attribute read. This execution context reads those attributes directly, serialises leaves by
their type, and completes plain nested objects and lists of them recursively; a field with a
resolver, arguments, an abstract type, a null where null is not allowed, or a hidden guarded
field (whose FORBIDDEN error the standard path reports) takes the standard path. The answer
is the same either way (tests/app/test_execution.py compares them).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

# A plan returns this when the standard path must complete the field.
_STANDARD = object()

_PLANS = "_eksamihaldus_fast_plans"


@dataclass(frozen=True, slots=True)
class _Leaf:
    attribute: str
    serialize: Callable[[Any], Any]
    nullable: bool
    guard: str | None


@dataclass(frozen=True, slots=True)
class _Object:
    attribute: str
    object_type: GraphQLObjectType
    nullable: bool


@dataclass(frozen=True, slots=True)
class _ObjectList:
    attribute: str
    item_type: GraphQLObjectType
    nullable: bool
    items_nullable: bool


_Plan = _Leaf | _Object | _ObjectList


def _unwrap(graphql_type: GraphQLOutputType) -> tuple[Any, bool]:
    if isinstance(graphql_type, GraphQLNonNull):
        return graphql_type.of_type, False
    return graphql_type, True


def _plan(field: Any) -> _Plan | None:
    definition = (field.extensions or {}).get("strawberry-definition")
    if not isinstance(definition, StrawberryField) or field.args:
        return None
    guard = definition.metadata.get("guard")
    resolve = field.resolve
    plain = getattr(resolve, "__name__", "") == "_get_basic_result"
    if not plain and guard is None:
        return None
    inner, nullable = _unwrap(field.type)
    if is_leaf_type(inner):
        return _Leaf(definition.python_name, inner.serialize, nullable, guard)
    if guard is not None:
        return None
    if isinstance(inner, GraphQLObjectType):
        return _Object(definition.python_name, inner, nullable)
    if isinstance(inner, GraphQLList):
        item, items_nullable = _unwrap(inner.of_type)
        if isinstance(item, GraphQLObjectType):
            return _ObjectList(definition.python_name, item, nullable, items_nullable)
    return None


def plans_for(object_type: GraphQLObjectType) -> dict[str, _Plan]:
    plans: dict[str, _Plan] | None = getattr(object_type, _PLANS, None)
    if plans is None:
        plans = {}
        for name, field in object_type.fields.items():
            plan = _plan(field)
            if plan is not None:
                plans[name] = plan
        setattr(object_type, _PLANS, plans)
    return plans


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Completes plain fields directly; see the module docstring."""

    def execute_fields(  # type: ignore[override]
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        plans = plans_for(parent_type)
        results: dict[str, Any] = {}
        pending: list[str] = []
        is_awaitable = self.is_awaitable
        try:
            for response_name, field_details_list in grouped_field_set.items():
                node = field_details_list[0].node
                name = node.name.value
                result: Any = _STANDARD
                if name == "__typename":
                    result = parent_type.name
                else:
                    plan = plans.get(name)
                    if plan is not None and not node.arguments:
                        result = self._complete_plain(
                            plan,
                            source_value,
                            field_details_list,
                            path,
                            response_name,
                            parent_type,
                            position_context,
                        )
                if result is _STANDARD:
                    result = self.execute_field(
                        parent_type,
                        source_value,
                        field_details_list,
                        Path(path, response_name, parent_type.name),
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

    async def _gather(self, results: dict[str, Any], pending: list[str]) -> dict[str, Any]:
        if len(pending) == 1:
            results[pending[0]] = await results[pending[0]]
            return results
        values = await gather_with_cancel(*(results[name] for name in pending))
        results.update(zip(pending, values, strict=True))
        return results

    def _complete_plain(
        self,
        plan: _Plan,
        source: Any,
        field_details_list: Any,
        path: Path | None,
        response_name: str,
        parent_type: GraphQLObjectType,
        position_context: Any,
    ) -> Any:
        if isinstance(plan, _Leaf):
            if plan.guard is not None and not getattr(source, plan.guard):
                return _STANDARD
            value = getattr(source, plan.attribute)
            if value is None:
                return None if plan.nullable else _STANDARD
            serialized = plan.serialize(value)
            return _STANDARD if serialized is None or serialized is Undefined else serialized
        value = getattr(source, plan.attribute)
        if value is None:
            return None if plan.nullable else _STANDARD
        field_path = Path(path, response_name, parent_type.name)
        if isinstance(plan, _Object):
            if not _is_of(plan.object_type, value):
                return _STANDARD
            return self._guarded(
                lambda: self._complete_object(
                    plan.object_type, value, field_details_list, field_path, position_context
                ),
                parent_type,
                field_details_list,
                field_path,
            )
        items = list(value)
        if not all(item is not None or plan.items_nullable for item in items):
            return _STANDARD
        if not all(item is None or _is_of(plan.item_type, item) for item in items):
            return _STANDARD
        return self._guarded(
            lambda: self._complete_list(
                plan.item_type, items, field_details_list, field_path, position_context
            ),
            parent_type,
            field_details_list,
            field_path,
        )

    def _complete_object(
        self,
        object_type: GraphQLObjectType,
        value: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        grouped_field_set = self.collect_subfields(object_type, field_details_list)[0]
        return self.execute_fields(object_type, value, path, grouped_field_set, position_context)

    def _complete_list(
        self,
        item_type: GraphQLObjectType,
        items: list[Any],
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        grouped_field_set = self.collect_subfields(item_type, field_details_list)[0]
        completed: list[Any] = []
        pending: list[int] = []
        for index, item in enumerate(items):
            if item is None:
                completed.append(None)
                continue
            result = self.execute_fields(
                item_type, item, Path(path, index, None), grouped_field_set, position_context
            )
            if self.is_awaitable(result):
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

    def _guarded(
        self,
        complete: Callable[[], Any],
        parent_type: GraphQLObjectType,
        field_details_list: Any,
        path: Path,
    ) -> Any:
        """Errors below a plain field are handled at that field, as the standard path does."""
        field_type = parent_type.fields[field_details_list[0].node.name.value].type
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


def _is_of(object_type: GraphQLObjectType, value: Any) -> bool:
    check = object_type.is_type_of
    return True if check is None else bool(check(value, None))
