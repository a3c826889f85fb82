"""Relations read through a per-request DataLoader, declared on the field.

`loaded(lambda loaders: loaders.group.by_exam, "pk", ...)` says: this field is
`info.context.loaders.group.by_exam.load(parent.pk)`. The loader is named by an expression
mypy checks against the typed `Loaders`, and `install_loaders` checks once more when the
schema is built (the reference resolves to a DataLoader, the key is an attribute of the type).
Strawberry can run such a field as it is; `install_loaders` gives it a plain resolver that
returns the loader's future directly, so the hundreds of relation fields in a large answer
do not each pass through Strawberry's general resolver wrapper and an extra coroutine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLObjectType
from strawberry.dataloader import DataLoader
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from schema.info import Info

if TYPE_CHECKING:
    from resolvers.loaders import Loaders

# Which of the request's loaders a relation reads: `lambda loaders: loaders.group.by_exam`.
Via = Callable[["Loaders"], DataLoader[Any, Any]]


@dataclass(frozen=True)
class Relation:
    """A field's value is `via(info.context.loaders).load(parent.<key>)` (null if no key)."""

    via: Via
    key: str

    def resolver(self) -> Callable[..., Any]:
        via, key = self.via, self.key

        def resolve(source: Any, info: Any, **_: Any) -> Any:
            value = getattr(source, key)
            if value is None:
                return None
            return via(info.context.loaders).load(value)

        return resolve


def loaded(via: Via, key: str, *, description: str, **metadata: Any) -> Any:
    """A field whose value is `via(info.context.loaders).load(parent.<key>)`."""
    relation = Relation(via, key)
    plain = relation.resolver()

    def resolve(root: strawberry.Parent[Any], info: Info) -> Any:
        return plain(root, info)

    return strawberry.field(
        resolver=resolve, description=description, metadata={"loader": relation, **metadata}
    )


class RelationError(Exception):
    """A `loaded` field names a loader or key that does not exist."""


def install_loaders(schema: strawberry.Schema, probe: Loaders | None = None) -> list[str]:
    """Give every `loaded` field its plain resolver; returns the "Type.field" names.

    With `probe` (a Loaders instance; nothing is loaded), each relation's loader reference is
    followed once, so a wrong name fails here rather than in the first request reaching it.
    """
    installed = []
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for name, field in graphql_type.fields.items():
            definition = (field.extensions or {}).get("strawberry-definition")
            if not isinstance(definition, StrawberryField):
                continue
            relation = definition.metadata.get("loader")
            if not isinstance(relation, Relation):
                continue
            where = f"{graphql_type.name}.{name}"
            _check(relation, graphql_type, probe, where)
            field.resolve = relation.resolver()
            installed.append(where)
    return installed


def _check(
    relation: Relation, graphql_type: GraphQLObjectType, probe: Loaders | None, where: str
) -> None:
    owner = (graphql_type.extensions or {}).get("strawberry-definition")
    if isinstance(owner, StrawberryObjectDefinition) and dataclasses.is_dataclass(owner.origin):
        attributes = {f.name for f in dataclasses.fields(owner.origin)}
        if relation.key not in attributes:
            raise RelationError(f"{where}: key `{relation.key}` is not an attribute of the type")
    if probe is not None:
        try:
            loader = relation.via(probe)
        except AttributeError as error:
            raise RelationError(f"{where}: {error}") from error
        if not isinstance(loader, DataLoader):
            raise RelationError(f"{where}: the relation does not name a DataLoader")
