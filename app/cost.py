"""Query cost: computed from the document before execution, refused above the limit, and
reported in `extensions.cost`.

Every object a query may return costs 1. A connection multiplies what is under it by its
`first` argument (20 when not given); a plain list by the bound declared on its field
(`cost_bound` metadata), or DEFAULT_LIST_BOUND. Scalars are free. A field that does real
work per object (verifying a signed PDF) declares its own price (`cost` metadata).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    value_from_ast_untyped,
)
from graphql.type.definition import GraphQLInterfaceType, GraphQLUnionType
from strawberry.extensions import SchemaExtension
from strawberry.types.field import StrawberryField

from schema.connection import DEFAULT_PAGE_SIZE

DEFAULT_LIST_BOUND = 20


def _is_list(graphql_type: Any) -> bool:
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return isinstance(graphql_type, GraphQLList)


class _CostCalculator:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def _fields(
        self, parent: Any, selection_set: SelectionSetNode, seen: frozenset[str]
    ) -> Iterator[tuple[Any, FieldNode]]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield parent, selection
            elif isinstance(selection, InlineFragmentNode):
                on = (
                    self.schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else parent
                )
                yield from self._fields(on or parent, selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue  # unknown or cyclic: validation reports it
                on = self.schema.get_type(fragment.type_condition.name.value)
                yield from self._fields(on or parent, fragment.selection_set, seen | {name})

    def cost(self, parent: Any, selection_set: SelectionSetNode | None, depth: int = 0) -> int:
        if selection_set is None or depth > 64:
            return 0
        total = 0
        for parent_type, node in self._fields(parent, selection_set, frozenset()):
            field = self._field(parent_type, node.name.value)
            if field is None:
                continue
            named = get_named_type(field.type)
            if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
                continue
            children = self.cost(named, node.selection_set, depth + 1)
            total += self._multiplier(field, node) * (self._own(field) + children)
        return total

    @staticmethod
    def _own(field: Any) -> int:
        definition = (field.extensions or {}).get("strawberry-definition")
        if isinstance(definition, StrawberryField):
            return int(definition.metadata.get("cost", 1))
        return 1

    def _field(self, parent_type: Any, name: str) -> Any:
        if isinstance(parent_type, GraphQLUnionType):
            return None
        fields = getattr(parent_type, "fields", None)
        return fields.get(name) if fields else None

    def _multiplier(self, field: Any, node: FieldNode) -> int:
        if "first" in field.args:
            first = DEFAULT_PAGE_SIZE
            for argument in node.arguments or ():
                if argument.name.value == "first":
                    value = value_from_ast_untyped(argument.value, self.variables)
                    if isinstance(value, int):
                        first = max(value, 0)
            return first
        if _is_list(field.type):
            definition = (field.extensions or {}).get("strawberry-definition")
            if isinstance(definition, StrawberryField):
                return int(definition.metadata.get("cost_bound", DEFAULT_LIST_BOUND))
            return DEFAULT_LIST_BOUND
        return 1


def query_cost(
    schema: GraphQLSchema, document: Any, operation_name: str | None, variables: dict[str, Any]
) -> int:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    calculator = _CostCalculator(schema, fragments, variables or {})
    total = 0
    for operation in operations[:1]:
        root = schema.get_root_type(operation.operation)
        total += calculator.cost(root, operation.selection_set)
    return total


class QueryCostLimiter(SchemaExtension):
    """Refuses a valid query whose cost is above `limit`, before it executes.

    It must come after ValidationCache in the extension list: that extension stores the
    validation result in `pre_execution_errors`, which this one then adds to.
    """

    def __init__(self, *, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.cost: int | None = None

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.pre_execution_errors:
            self.cost = query_cost(
                context.schema._schema, document, context.operation_name, context.variables or {}
            )
            if self.cost > self.limit:
                context.pre_execution_errors = [
                    GraphQLError(
                        f"Query cost {self.cost} is above the limit of {self.limit}: "
                        "ask for fewer items (smaller `first`) or fewer nested lists.",
                        extensions={"code": "QUERY_TOO_COSTLY"},
                    )
                ]
        yield

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "limit": self.limit}}
