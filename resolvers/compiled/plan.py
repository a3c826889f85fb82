"""What a compiled root field is: its statement, its parameters, and what Python still does
with the answer (FORBIDDEN errors of per-row guards, fallback subtrees)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import GraphQLField, GraphQLObjectType
from graphql.execution.collect_fields import FieldDetails

from models.access import ExamVisibility, Viewer

if TYPE_CHECKING:
    from strawberry.dataloader import DataLoader

    from resolvers.loaders import Loaders

# Picks, from the request's loaders, the one that builds an object from its primary key.
LoaderOf = Callable[["Loaders"], "DataLoader[int, Any]"]

# What a hidden guarded value is in the statement's JSON: an object, which no guarded
# scalar can be.
FORBIDDEN_MARK = "'{\"eh:forbidden\":true}'::json"


class Decline(Exception):  # noqa: N818 (a signal, not a fault)
    """This root field takes today's path (an argument today's path reports on, say)."""


@dataclass
class Binding:
    """What the parameters of one execution are computed from."""

    viewer: Viewer
    visibility: ExamVisibility | None
    variables: Any
    arguments: dict[int, dict[str, Any]] = field(default_factory=dict)


Getter = Callable[[Binding], Any]


@dataclass
class FieldStep:
    """A response key of an object whose value Python still looks at."""

    key: str
    # "guard": a hidden value becomes null with FORBIDDEN; "fallback": today's resolver on
    # the parent built from the primary key the statement put here; "object"/"list": walk on.
    kind: str
    details: list[FieldDetails]
    field_def: GraphQLField
    field_name: str
    child: ObjectPlan | None = None
    loader: LoaderOf | None = None


@dataclass
class ObjectPlan:
    type: GraphQLObjectType
    steps: list[FieldStep]


@dataclass
class CompiledRoot:
    """One root field: `sql` returns its JSON text (or NULL)."""

    sql: str
    getters: list[Getter]
    # None: the JSON is the answer as it is, spliced into the response unparsed.
    plan: ObjectPlan | None
    # The root's value is a list of objects (never at present) or one object.
    shape: str = "object"
