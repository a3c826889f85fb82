"""The execution context that answers compiled root fields from one SQL statement each and
leaves every other field to FastExecutionContext (app/execution.py)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from graphql import DocumentNode, OperationDefinitionNode, VariableNode, visit
from graphql.language import Visitor
from graphql.pyutils import Path

from app.execution import FastExecutionContext
from resolvers.compiled.executor import STATEMENTS, parameters, postgres_client, run
from resolvers.compiled.plan import CompiledRoot, Decline
from resolvers.compiled.roots import compile_root

# Off: every field takes today's path (tests compare both paths with it).
compiled_reads: ContextVar[bool] = ContextVar("compiled_reads", default=True)


class _DirectiveVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_directive(self, node: Any, *_: Any) -> None:
        for argument in node.arguments or ():
            if isinstance(argument.value, VariableNode):
                self.names.add(argument.value.name.value)


_directive_variables: dict[int, tuple[Any, tuple[str, ...]]] = {}


def directive_variables(document: OperationDefinitionNode | DocumentNode) -> tuple[str, ...]:
    """Variables that @include/@skip read: their values change a statement's shape."""
    found = _directive_variables.get(id(document))
    if found is not None and found[0] is document:
        return found[1]
    visitor = _DirectiveVariables()
    visit(document, visitor)
    names = tuple(sorted(visitor.names))
    if len(_directive_variables) > 1024:
        _directive_variables.clear()
    _directive_variables[id(document)] = (document, names)
    return names


class CompiledExecutionContext(FastExecutionContext):
    """Root fields of a query that `resolvers.compiled` compiles run as one statement."""

    def execute_field(  # type: ignore[override]
        self,
        parent_type: Any,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        if path.prev is None and parent_type is self.schema.query_type:
            started = self._compiled_root(parent_type, field_details_list, path)
            if started is not None:
                return started
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _compiled_root(self, parent_type: Any, field_details_list: Any, path: Path) -> Any:
        context = self.context_value
        if not compiled_reads.get() or not context.compiled_reads:
            return None
        client = postgres_client()
        if client is None:
            return None  # SQLite: today's path
        compiled = self._statement(parent_type, field_details_list)
        if compiled is None:
            return None
        try:
            values = parameters(compiled, context.viewer, self.variable_values)
        except Decline:
            return None
        field_def = parent_type.fields[field_details_list[0].node.name.value]
        splice = context.splice_json

        async def answer() -> Any:
            try:
                return await run(self, client, compiled, values, path, splice)
            except Exception as error:
                self.handle_field_error(error, field_def.type, field_details_list, path)
                return None

        return answer()

    def _statement(self, parent_type: Any, field_details_list: Any) -> CompiledRoot | None:
        operation = self.operation
        coerced = self.variable_values.coerced
        shape = tuple(coerced.get(name) for name in directive_variables(operation))
        # Whether each declared variable is null (or missing) decides e.g. whether a
        # connection's statement has an `after` condition.
        nulls = tuple(
            coerced.get(definition.variable.name.value) is None
            for definition in operation.variable_definitions or ()
        )
        key = (
            id(operation),
            path_key(field_details_list),
            self.context_value.viewer.role,
            shape,
            nulls,
        )
        hit, compiled = STATEMENTS.get(key, operation)
        if hit:
            return compiled
        field_def = parent_type.fields.get(field_details_list[0].node.name.value)
        try:
            compiled = compile_root(self, field_def, field_details_list) if field_def else None
        except Decline:
            compiled = None
        STATEMENTS.put(key, operation, compiled)
        return compiled


def path_key(field_details_list: Any) -> tuple[int, ...]:
    """The root field's nodes (a response key may merge several) within the operation."""
    return tuple(id(details.node) for details in field_details_list)
