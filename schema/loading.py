"""Relations read through a per-request DataLoader, declared on the field.

`loaded("groups_by_exam", "pk")` says: this field is `loaders.groups_by_exam.load(parent.pk)`.
Strawberry can run it as it is; `install_loaders` gives each such field a plain resolver that
returns the loader's future directly, so the hundreds of relation fields in a large answer do
not each pass through Strawberry's general resolver wrapper and an extra coroutine.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLObjectType
from strawberry.types.field import StrawberryField


def _via(loader: str, key: str):  # type: ignore[no-untyped-def]
    def resolve(source: Any, info: Any, **_: Any) -> Any:
        value = getattr(source, key)
        if value is None:
            return None
        return getattr(info.context.loaders, loader).load(value)

    return resolve


def loaded(loader: str, key: str, *, description: str, **metadata: Any) -> Any:
    """A field whose value is `info.context.loaders.<loader>.load(parent.<key>)`."""
    via = _via(loader, key)

    def resolve(root: strawberry.Parent[Any], info: strawberry.Info) -> Any:
        return via(root, info)

    return strawberry.field(
        resolver=resolve, description=description, metadata={"loader": (loader, key), **metadata}
    )


def install_loaders(schema: strawberry.Schema) -> list[str]:
    """Give every `loaded` field its plain resolver; returns the "Type.field" names."""
    installed = []
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for name, field in graphql_type.fields.items():
            definition = (field.extensions or {}).get("strawberry-definition")
            if isinstance(definition, StrawberryField) and "loader" in definition.metadata:
                field.resolve = _via(*definition.metadata["loader"])
                installed.append(f"{graphql_type.name}.{name}")
    return installed
