"""Where signing in is needed, a request without a token is told so: UNAUTHENTICATED.

Every mutation needs a signed-in person unless it is declared public (``PUBLIC``
metadata, e.g. documentVerify). ``install_sign_in`` wraps each root mutation field: for the
public viewer it answers the payload with one UNAUTHENTICATED user error before anything
runs. Reads decide per row what the public may see; where they refuse the public viewer
with FORBIDDEN (a guarded field, a report), ``SignInHint`` turns that error into
UNAUTHENTICATED, since a sign-in is what would change the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLObjectType
from strawberry.extensions import SchemaExtension
from strawberry.types.field import StrawberryField

from models.workflow.errors import MESSAGES
from schema.errors import ErrorCode, UserError
from schema.limits import payload_class, refused_payload

PUBLIC = {"public": True}
"""Metadata of a mutation that anyone may call without signing in."""

SIGN_IN = MESSAGES["UNAUTHENTICATED"]
SIGN_IN_TO_SEE = "Logi sisse, et seda näha. / Sign in to see this."


def _is_public_viewer(info: Any) -> bool:
    viewer = getattr(info.context, "viewer", None)
    return viewer is not None and viewer.person_id is None


def unauthenticated_error() -> GraphQLError:
    return GraphQLError(SIGN_IN, extensions={"code": ErrorCode.UNAUTHENTICATED.value})


def _signed_in_resolver(resolve: Callable[..., Any], payload: type | None) -> Callable[..., Any]:
    def resolver(source: Any, info: Any, **arguments: Any) -> Any:
        if not _is_public_viewer(info):
            return resolve(source, info, **arguments)
        if payload is None:
            raise unauthenticated_error()
        error = UserError(field=None, message=SIGN_IN, code=ErrorCode.UNAUTHENTICATED)
        return refused_payload(payload, [error])

    return resolver


def install_sign_in(schema: strawberry.Schema) -> list[str]:
    """Wrap every mutation not declared public; returns the names of those left public."""
    mutation = schema._schema.mutation_type
    public: list[str] = []
    if not isinstance(mutation, GraphQLObjectType):
        return public
    for name, field in mutation.fields.items():
        definition = (field.extensions or {}).get("strawberry-definition")
        if not isinstance(definition, StrawberryField) or field.resolve is None:
            raise TypeError(f"Mutation.{name} has no resolver to guard")
        if definition.metadata.get("public"):
            public.append(name)
            continue
        field.resolve = _signed_in_resolver(field.resolve, payload_class(definition))
    return public


class SignInHint(SchemaExtension):
    """FORBIDDEN errors of a request without a token become UNAUTHENTICATED."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result = context.result
        viewer = getattr(context.context, "viewer", None)
        if result is None or not result.errors or viewer is None or viewer.person_id is not None:
            return
        for error in result.errors:
            extensions = error.extensions
            if extensions is not None and extensions.get("code") == ErrorCode.FORBIDDEN.value:
                extensions["code"] = ErrorCode.UNAUTHENTICATED.value
                error.message = SIGN_IN_TO_SEE
