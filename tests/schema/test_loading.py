"""Relations declared with `loaded`: checked when the schema is built, and served by a plain
resolver (the read path's fast path) rather than Strawberry's wrapper."""

from typing import Any

import pytest
import strawberry
from graphql import GraphQLObjectType
from strawberry.types.field import StrawberryField

from app.graphql import build_schema
from app.settings import Settings
from models.access import PUBLIC
from resolvers.loaders import Loaders
from schema.group import ExamGroup
from schema.loading import Relation, RelationError, install_loaders, loaded


def _schema_with(groups: Any) -> strawberry.Schema:
    @strawberry.type(description="A parent with one relation.")
    class Parent:
        pk: strawberry.Private[int]
        exam_groups: list[ExamGroup] = groups

    @strawberry.type(description="Root.")
    class Query:
        @strawberry.field(description="The parent.")
        def parent(self) -> Parent:
            return Parent(pk=1)

    return strawberry.Schema(query=Query)


def test_a_relation_naming_a_loader_that_does_not_exist_fails_when_the_schema_is_built():
    schema = _schema_with(
        loaded(lambda loaders: loaders.group.by_exm, "pk", description="Misspelt.")  # type: ignore[attr-defined]
    )

    with pytest.raises(RelationError, match=r"Parent\.examGroups: .*by_exm"):
        install_loaders(schema, probe=Loaders(PUBLIC))


def test_a_relation_keyed_by_an_attribute_the_type_lacks_fails_when_the_schema_is_built():
    schema = _schema_with(
        loaded(lambda loaders: loaders.group.by_exam, "exam_pk", description="Wrong key.")
    )

    with pytest.raises(RelationError, match=r"Parent\.examGroups: key `exam_pk`"):
        install_loaders(schema, probe=Loaders(PUBLIC))


def test_a_correct_relation_is_installed_with_its_plain_resolver():
    schema = _schema_with(
        loaded(lambda loaders: loaders.group.by_exam, "pk", description="Groups.")
    )

    installed = install_loaders(schema, probe=Loaders(PUBLIC))

    assert "Parent.examGroups" in installed
    field = schema._schema.type_map["Parent"].fields["examGroups"]  # type: ignore[union-attr]
    assert field.resolve.__qualname__ == "Relation.resolver.<locals>.resolve"


def test_every_relation_of_the_api_is_served_by_its_plain_resolver():
    schema = build_schema(Settings())._schema
    relations = {}
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for name, field in graphql_type.fields.items():
            definition = (field.extensions or {}).get("strawberry-definition")
            if isinstance(definition, StrawberryField) and isinstance(
                definition.metadata.get("loader"), Relation
            ):
                relations[f"{graphql_type.name}.{name}"] = field.resolve.__qualname__

    assert {"Exam.groups", "ExamGroup.participants", "Protocol.signatures"} <= set(relations)
    assert set(relations.values()) == {"Relation.resolver.<locals>.resolve"}
