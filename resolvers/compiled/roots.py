"""The root fields that are compiled: `exam(id:)` and `exams(first, after, filter)`."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, GraphQLField
from graphql.execution.collect_fields import FieldDetails

from resolvers.compiled.catalog import EXAMS
from resolvers.compiled.compiler import Compiler, arguments, object_type
from resolvers.compiled.connections import paged
from resolvers.compiled.plan import Binding, CompiledRoot, Decline
from resolvers.ids import pk_of


def compile_root(
    context: Any, field_def: GraphQLField, details: list[FieldDetails]
) -> CompiledRoot:
    """The statement of one root field; Decline when it is not compiled."""
    name = details[0].node.name.value
    compiler = Compiler(context, context.context_value.viewer.role)
    if name == "exam":
        exam_type = object_type(field_def)
        a = compiler.alias()
        obj, plan = compiler.object(exam_type, details, a, "own")
        pk = compiler.bind(lambda binding: _exam_pk(binding, field_def, details[0]), "int")
        sql = (
            f"SELECT ({obj})::text FROM exam {a} "
            f"WHERE {a}.id = {pk} AND {' AND '.join(compiler.scoped('exam', a))}"
        )
        return CompiledRoot(sql, compiler.getters, plan)
    if name == "exams":
        compiled = paged(compiler, EXAMS, field_def, details, None)
        if compiled is None:
            raise Decline
        expression, plan = compiled
        return CompiledRoot(f"SELECT ({expression})::text", compiler.getters, plan)
    raise Decline


def _exam_pk(binding: Binding, field_def: GraphQLField, details: FieldDetails) -> int:
    try:
        return pk_of(arguments(binding, field_def, details)["id"], "Exam")
    except GraphQLError as error:
        raise Decline from error
