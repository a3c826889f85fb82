"""Every string input of every field is refused at the edge when it is longer than allowed.

The test walks the schema: for each argument path that holds a string (arguments, input
object fields, list items; IDs and cursors too) it sends a value one character over the limit
and expects ``INVALID_INPUT`` naming that path, in ``userErrors`` for mutations and as an
error for queries, never the value, never an internal error; and no row changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLString,
    Undefined,
    get_named_type,
    is_leaf_type,
)
from tortoise import Tortoise

from app.graphql import build_schema, make_schema
from models.enums import ExamStatus, Role
from models.group import ExamGroup
from models.organisation import Organisation
from schema.limits import CURSOR, DEFAULT, IDENTIFIER, SEARCH, Spec, input_limits
from schema.node import to_global_id
from tests.factories import create_exam, create_school, create_user

# Values for required arguments that are not under test: only their syntax matters, since
# lengths are checked before any resolver reads them.
_SCALARS = {
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "Date": "2030-01-02",
    "Time": "09:00:00",
    "DateTime": "2030-01-02T09:00:00+00:00",
    "JSON": {},
}
# How to reach a field of a type other than Query and Mutation.
_PARENTS = {
    "Exam": ("query($parent: ID!, {vars}) {{ exam(id: $parent) {{ {field} }} }}", "exam"),
    "Statistics": ("query({vars}) {{ statistics {{ {field} }} }}", "statistics"),
    "AwardingBody": (
        "query($parent: ID!, {vars}) "
        "{{ node(id: $parent) {{ ... on AwardingBody {{ {field} }} }} }}",
        "node",
    ),
}


@dataclass(frozen=True)
class Target:
    root: str  # "Query", "Mutation" or a type reached through _PARENTS
    field: str
    path: tuple[str, ...]  # argument name, then input field names / "0" for list items
    limit: int


def _unwrap(graphql_type: Any) -> Any:
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return graphql_type


def _paths(graphql_type: Any, path: tuple[str, ...], seen: frozenset[str]) -> Iterator[tuple]:
    inner = _unwrap(graphql_type)
    if isinstance(inner, GraphQLList):
        yield from _paths(inner.of_type, (*path, "0"), seen)
    elif inner is GraphQLString or inner is GraphQLID:
        yield path
    elif isinstance(inner, GraphQLInputObjectType) and inner.name not in seen:
        for name, field in inner.fields.items():
            yield from _paths(field.type, (*path, name), seen | {inner.name})


def _required(graphql_type: Any) -> Any:
    """A valid value of a required input type."""
    inner = _unwrap(graphql_type)
    if isinstance(inner, GraphQLList):
        return [_required(inner.of_type)]
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    if isinstance(inner, GraphQLInputObjectType):
        return {
            name: _required(field.type)
            for name, field in inner.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    if inner is GraphQLID:
        return to_global_id("Exam", 1)
    if inner is GraphQLString:
        return "x"
    assert isinstance(inner, GraphQLScalarType)
    return _SCALARS[inner.name]


def _with(value: Any, graphql_type: Any, path: tuple[str, ...], leaf: str) -> Any:
    """``value`` with ``leaf`` placed at ``path`` inside it."""
    if not path:
        return leaf
    inner = _unwrap(graphql_type)
    head, rest = path[0], path[1:]
    if isinstance(inner, GraphQLList):
        item = value[0] if isinstance(value, list) and value else _required(inner.of_type)
        return [_with(item, inner.of_type, rest, leaf)]
    field = inner.fields[head]
    current = dict(value or {})
    current[head] = _with(current.get(head) or _required(field.type), field.type, rest, leaf)
    return current


def targets() -> list[Target]:
    schema = make_schema(False, 12, 2000, 15, 100000)
    found = []
    for key, specs in sorted(input_limits(schema).items()):
        root, field_name = key.split(".")
        field = schema._schema.type_map[root].fields[field_name]  # type: ignore[union-attr]
        for argument_name, argument in field.args.items():
            if argument_name not in specs:
                continue
            for path in _paths(argument.type, (argument_name,), frozenset()):
                found.append(Target(root, field_name, path, _limit(specs[argument_name], path[1:])))
    return found


def _limit(spec: Spec, rest: tuple[str, ...]) -> int:
    for step in rest:
        spec = spec.item if step == "0" else spec.fields[step]  # type: ignore[union-attr]
    while not hasattr(spec, "max_length"):
        spec = spec.item  # type: ignore[union-attr]
    return spec.max_length


TARGETS = targets()
# Subscriptions are reached over a socket: tests/live checks their limits.
HTTP_TARGETS = [t for t in TARGETS if t.root != "Subscription"]


async def _counts() -> dict[str, int]:
    return {name: await model.all().count() for name, model in Tortoise.apps["models"].items()}


def _document(target: Target, schema: Any) -> tuple[str, dict[str, Any], str]:
    parent_type = schema._schema.type_map[target.root]
    field = parent_type.fields[target.field]
    declarations, arguments, variables = [], [], {}
    for name, argument in field.args.items():
        value: Any
        if name == target.path[0]:
            leaf = "ž" * (target.limit + 1)
            value = _with(_required(argument.type), argument.type, target.path[1:], leaf)
        elif isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined:
            value = _required(argument.type)
        else:
            continue
        declarations.append(f"${name}: {argument.type}")
        arguments.append(f"{name}: ${name}")
        variables[name] = value
    selection = f"{target.field}({', '.join(arguments)})"
    returned = get_named_type(field.type)
    if not is_leaf_type(returned):
        has_errors = "userErrors" in getattr(returned, "fields", {})
        selection += " { userErrors { code field message } }" if has_errors else " { __typename }"
    if target.root in ("Query", "Mutation"):
        operation = target.root.lower()
        header = f"({', '.join(declarations)})" if declarations else ""
        return f"{operation}{header} {{ {selection} }}", variables, target.field
    template, via = _PARENTS[target.root]
    return template.format(vars=", ".join(declarations), field=selection), variables, via


def test_every_string_input_has_a_limit_and_a_way_to_reach_it():
    roots = {t.root for t in TARGETS}
    assert roots <= {"Query", "Mutation", "Subscription", *_PARENTS}
    fields = {(t.root, t.field) for t in TARGETS}
    assert ("Mutation", "groupCreate") in fields
    assert ("Query", "compensationRates") in fields
    by_path = {(t.field, t.path): t.limit for t in TARGETS}
    # derived from the columns the values are stored in or compared with
    assert by_path[("groupCreate", ("input", "name"))] == 255
    assert by_path[("groupCreate", ("input", "room"))] == 64
    assert by_path[("compensationRates", ("curriculumGroup",))] == 4
    assert by_path[("examWorkWorldApplicantAdd", ("firstName",))] == 100
    # the caps for searches, cursors, IDs and anything else
    assert by_path[("schools", ("search",))] == SEARCH
    assert by_path[("schools", ("after",))] == CURSOR
    assert by_path[("exam", ("id",))] == IDENTIFIER
    assert by_path[("participantResultRecord", ("scores", "0", "part"))] == DEFAULT


@pytest.mark.parametrize(
    "target", HTTP_TARGETS, ids=[f"{t.root}.{t.field}.{'.'.join(t.path)}" for t in HTTP_TARGETS]
)
async def test_a_value_over_the_limit_is_refused_with_its_path(api, target):
    admin = await create_user(Role.REGISTRY_ADMIN, None)
    exam = await create_exam()
    before = await _counts()
    query, variables, top = _document(target, build_schema(api.app.state.settings))
    if target.root == "Exam":
        variables["parent"] = to_global_id("Exam", exam.id)
    if target.root == "AwardingBody":
        variables["parent"] = to_global_id("AwardingBody", exam.awarding_body_id)

    body = await api.query(query, variables, as_=(admin, Role.REGISTRY_ADMIN))

    expected_field = list(target.path)
    assert "ž" * 10 not in str(body)  # the value is never repeated
    data = (body.get("data") or {}).get(top)
    if target.root == "Mutation":
        assert "errors" not in body, body
        assert data["userErrors"] == [
            {
                "code": "INVALID_INPUT",
                "field": expected_field,
                "message": f"Liiga pikk: {target.limit + 1} märki, lubatud kuni "
                f"{target.limit}. / Too long: {target.limit + 1} characters, at most "
                f"{target.limit}.",
            }
        ]
    else:
        errors = body["errors"]
        assert [e["extensions"] for e in errors] == [
            {"code": "INVALID_INPUT", "field": expected_field}
        ], body
        assert "Too long" in errors[0]["message"]
    assert await _counts() == before


async def test_a_group_name_at_the_limit_is_kept_and_one_over_is_refused(api):
    # given: a school's draft exam
    school = await create_school()
    exam = await create_exam(school=school, status=ExamStatus.DRAFT)
    user = (await create_user(Role.SCHOOL, school), Role.SCHOOL)
    create = """
    mutation ($exam: ID!, $name: String!) {
      groupCreate(exam: $exam, input: {name: $name, limit: 5}) {
        group { name } userErrors { code field message }
      }
    }"""
    exam_id = to_global_id("Exam", exam.id)

    # when: names of 255 and 256 characters (Estonian letters count as one each)
    kept = await api.query(create, {"exam": exam_id, "name": "Õ" * 255}, as_=user)
    refused = await api.query(create, {"exam": exam_id, "name": "Õ" * 256}, as_=user)

    # then
    assert kept["data"]["groupCreate"]["group"] == {"name": "Õ" * 255}
    errors = refused["data"]["groupCreate"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", ["input", "name"])]
    assert "Õ" * 20 not in errors[0]["message"]
    assert [g.name for g in await ExamGroup.filter(exam_id=exam.id)] == ["Õ" * 255]


async def test_nothing_of_an_organisation_is_changed_by_a_refused_search(api):
    await create_school(name="Tartu Kutsehariduskeskus")
    before = await Organisation.all().count()

    body = await api.query(
        "query($s: String) { schools(search: $s) { totalCount } }", {"s": "x" * 101}
    )

    assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": ["search"]}
    assert await Organisation.all().count() == before
