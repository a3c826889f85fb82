"""Query cost and argument bounds: computed from the document before execution, refused
above the limit, and the cost reported in `extensions.cost`.

Every object a query may return costs 1. A connection multiplies what is under it by its
`first` argument (20 when not given); a list answered from a bounded list argument
(`nodes(ids:)`) by that list's length; a plain list by the bound declared on its field
(`cost_bound` metadata), or DEFAULT_LIST_BOUND. Scalars are free. A field that does real
work per object (verifying a signed PDF) declares its own price (`cost` metadata).

Arguments are read as execution will see them: a variable by its supplied value, else its
default, else the argument's default (graphql-core's own coercion). A value that cannot be
known before execution is priced at the largest one the argument allows.

The same walk checks every argument a limit depends on, in every nested selection, before
anything executes, so that a mutation never commits and then fails a limit in its payload:
`first` within 1..MAX_PAGE_SIZE, lists within their declared `max_items`, and, below a
mutation's root field, string lengths (schema/limits.py) and the form of `after` cursors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
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
    OperationType,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.type.definition import GraphQLInterfaceType, GraphQLUnionType
from strawberry.extensions import SchemaExtension
from strawberry.types.field import StrawberryField

from models.workflow.errors import TOO_LONG, problem
from resolvers.pagination import cursor_values
from schema.connection import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from schema.limits import Spec, declared_max_items, input_limits, too_long

DEFAULT_LIST_BOUND = 20
MAX_DEPTH = 64
BAD_USER_INPUT = "BAD_USER_INPUT"


def _is_list(graphql_type: Any) -> bool:
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return isinstance(graphql_type, GraphQLList)


@dataclass(frozen=True)
class Problem:
    """An argument out of its bounds: where (response path and argument) and why."""

    path: list[str]
    message: str
    node: FieldNode
    code: str = BAD_USER_INPUT


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues | None,
        string_limits: dict[str, dict[str, Spec]],
        mutation: bool,
    ) -> None:
        self.schema = schema
        self.mutation = mutation
        self.fragments = fragments
        self.variables = variables
        self.string_limits = string_limits
        self.problems: list[Problem] = []

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

    def cost(
        self,
        parent: Any,
        selection_set: SelectionSetNode | None,
        path: list[str],
        *,
        check_strings: bool,
        depth: int = 0,
    ) -> int:
        """The cost of a selection set; out-of-bounds arguments are noted in `problems`."""
        if selection_set is None or depth > MAX_DEPTH:
            return 0
        total = 0
        for parent_type, node in self._fields(parent, selection_set, frozenset()):
            field = self._field(parent_type, node.name.value)
            if field is None:
                continue
            named = get_named_type(field.type)
            composite = isinstance(
                named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
            )
            if not composite and not field.args:
                continue  # a plain scalar: free, and nothing to check
            field_path = [*path, (node.alias or node.name).value]
            arguments = self._arguments(field, node)
            if arguments:
                self._check(parent_type, field, node, arguments, field_path, check_strings)
            if not composite:
                continue
            # Below a mutation's root field everything resolves after the commit, so string
            # limits are checked there too; elsewhere each field checks its own as it runs
            # (schema/limits.py) and only that field fails.
            children = self.cost(
                named,
                node.selection_set,
                field_path,
                check_strings=check_strings or (depth == 0 and self.mutation),
                depth=depth + 1,
            )
            total += self._multiplier(field, arguments) * (self._own(field) + children)
        return total

    def _arguments(self, field: Any, node: FieldNode) -> dict[str, Any] | None:
        """The arguments as execution will see them; None when they cannot be known."""
        if not field.args:
            return {}
        if self.variables is None:
            return None
        try:
            return get_argument_values(field, node, self.variables)
        except GraphQLError:
            return None

    def _check(
        self,
        parent_type: Any,
        field: Any,
        node: FieldNode,
        arguments: dict[str, Any] | None,
        path: list[str],
        check_strings: bool,
    ) -> None:
        if not arguments:
            return
        first = arguments.get("first") if "first" in field.args else None
        if isinstance(first, int) and not 1 <= first <= MAX_PAGE_SIZE:
            self._problem([*path, "first"], f"`first` must be between 1 and {MAX_PAGE_SIZE}", node)
        for name, argument in field.args.items():
            bound = declared_max_items(argument)
            value = arguments.get(name)
            if bound is not None and isinstance(value, list) and len(value) > bound:
                self._problem([*path, name], f"`{name}` takes at most {bound} items", node)
        if not check_strings:
            return
        specs = self.string_limits.get(f"{getattr(parent_type, 'name', '')}.{node.name.value}")
        for name, spec in (specs or {}).items():
            for where, length, limit in too_long(arguments.get(name), spec, [name]):
                found = problem(
                    "INVALID_INPUT", where, detail=TOO_LONG.format(length=length, max=limit)
                )
                self._problem([*path, *where], found.message, node, found.code)
        after = arguments.get("after")
        if "after" in field.args and isinstance(after, str) and cursor_values(after) is None:
            self._problem([*path, "after"], "the `after` cursor is not valid", node)

    def _problem(
        self, path: list[str], message: str, node: FieldNode, code: str = BAD_USER_INPUT
    ) -> None:
        self.problems.append(Problem(path, message, node, code))

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

    @staticmethod
    def _multiplier(field: Any, arguments: dict[str, Any] | None) -> int:
        if "first" in field.args:
            if arguments is None:
                return MAX_PAGE_SIZE
            first = arguments.get("first", DEFAULT_PAGE_SIZE)
            return max(first, 0) if isinstance(first, int) else MAX_PAGE_SIZE
        if _is_list(field.type):
            # A list answered item for item from a bounded list argument (nodes(ids:)).
            for name, argument in field.args.items():
                bound = declared_max_items(argument)
                if bound is not None:
                    value = (arguments or {}).get(name)
                    return len(value) if isinstance(value, list) else bound
            definition = (field.extensions or {}).get("strawberry-definition")
            if isinstance(definition, StrawberryField):
                return int(definition.metadata.get("cost_bound", DEFAULT_LIST_BOUND))
            return DEFAULT_LIST_BOUND
        return 1


@dataclass(frozen=True)
class Assessment:
    """What the walk found: the cost and the arguments out of bounds."""

    cost: int
    problems: list[Problem]


def assess(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    string_limits: dict[str, dict[str, Spec]] | None = None,
) -> Assessment:
    """The cost of the operation that would run and the arguments out of their bounds."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if not operations:
        return Assessment(0, [])
    operation = operations[0]
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), variables or {}, max_errors=1
    )
    walker = _Walker(
        schema,
        fragments,
        None if isinstance(coerced, list) else coerced,
        string_limits or {},
        mutation=operation.operation is OperationType.MUTATION,
    )
    root = schema.get_root_type(operation.operation)
    cost = walker.cost(root, operation.selection_set, [], check_strings=False)
    return Assessment(cost, walker.problems)


def query_cost(
    schema: GraphQLSchema, document: Any, operation_name: str | None, variables: dict[str, Any]
) -> int:
    return assess(schema, document, operation_name, variables).cost


class QueryCostLimiter(SchemaExtension):
    """Refuses a valid query whose cost is above `limit`, or whose arguments are out of
    their bounds, before it executes.

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
            schema = context.schema
            found = assess(
                schema._schema,
                document,
                context.operation_name,
                context.variables or {},
                _string_limits(schema),
            )
            self.cost = found.cost
            errors = [
                GraphQLError(
                    fault.message,
                    nodes=[fault.node],
                    extensions={"code": fault.code, "field": fault.path},
                )
                for fault in found.problems
            ]
            if self.cost > self.limit:
                errors.append(
                    GraphQLError(
                        f"Query cost {self.cost} is above the limit of {self.limit}: "
                        "ask for fewer items (smaller `first`) or fewer nested lists.",
                        extensions={"code": "QUERY_TOO_COSTLY"},
                    )
                )
            if errors:
                context.pre_execution_errors = errors
        yield

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "limit": self.limit}}


_STRING_LIMITS = "_eksamihaldus_string_limits"


def _string_limits(schema: Any) -> dict[str, dict[str, Spec]]:
    """The string limits of the schema's fields, worked out once per schema."""
    found = getattr(schema, _STRING_LIMITS, None)
    if found is None:
        found = input_limits(schema)
        setattr(schema, _STRING_LIMITS, found)
    return found
