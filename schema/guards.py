"""Field guards: fields that reveal personal data are declared guarded here and enforced in
one place (`install_guards`), without a Strawberry resolver per field.

A guarded field is nullable. Its parent object carries a private flag saying whether the
viewer may see it; when not, the field resolves to null with a FORBIDDEN error.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLObjectType, GraphQLResolveInfo
from strawberry.types.field import StrawberryField

# The flag attribute each guard reads on the parent object.
PERSONAL_DATA = "personal_data_visible"
PERSONAL_CODE = "personal_code_visible"


def guarded(guard: str, *, description: str) -> Any:
    """Declare a field that only viewers allowed by `guard` may read."""
    return strawberry.field(description=description, default=None, metadata={"guard": guard})


def _guard_resolver(attribute: str, flag: str, field_name: str):  # type: ignore[no-untyped-def]
    def resolve(source: Any, info: GraphQLResolveInfo, **_: Any) -> Any:
        if getattr(source, flag):
            return getattr(source, attribute)
        raise GraphQLError(
            f"Not allowed to see {info.parent_type.name}.{field_name}",
            extensions={"code": "FORBIDDEN"},
        )

    return resolve


def install_guards(schema: strawberry.Schema) -> list[str]:
    """Replace the resolver of every guarded field; returns "Type.field" names it guarded."""
    installed = []
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for name, field in graphql_type.fields.items():
            definition = (field.extensions or {}).get("strawberry-definition")
            if not isinstance(definition, StrawberryField):
                continue
            guard = definition.metadata.get("guard")
            if guard is None:
                continue
            field.resolve = _guard_resolver(definition.python_name, guard, name)
            installed.append(f"{graphql_type.name}.{name}")
    return installed
