"""The schema is a product: the committed SDL matches the code, and everything is described."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
)

from app.graphql import build_schema, export_sdl
from app.settings import Settings

COMMITTED = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def test_the_committed_schema_matches_the_code():
    assert COMMITTED.read_text() == export_sdl(), (
        "schema/schema.graphql is out of date: run `eksamihaldus export-schema > "
        "schema/schema.graphql` and review the diff (breaking changes must be deliberate)"
    )


def test_every_type_field_argument_and_enum_value_has_a_description():
    schema = build_schema(Settings())._schema
    missing = []
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or (
            isinstance(graphql_type, GraphQLScalarType)
            and name in {"String", "Int", "Boolean", "ID", "Float"}
        ):
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(
            graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType
        ):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
        if isinstance(graphql_type, GraphQLEnumType) and not name.startswith("__"):
            for value_name, value in graphql_type.values.items():
                if not value.description:
                    missing.append(f"{name}.{value_name}")
    for root in (schema.query_type, schema.mutation_type):
        for field_name, field in root.fields.items():
            for argument_name, argument in field.args.items():
                if not argument.description and argument_name not in _SELF_EXPLANATORY:
                    missing.append(f"{root.name}.{field_name}({argument_name})")
    assert missing == []


_SELF_EXPLANATORY = {"first", "after", "id", "ids", "filter", "search"}


def test_the_public_surface_of_api_md_exists():
    schema = build_schema(Settings())._schema
    query = schema.query_type.fields
    for name in (
        "me",
        "standards",
        "standard",
        "curricula",
        "awardingBodies",
        "exams",
        "exam",
        "certificates",
        "notifications",
        "statistics",
        "node",
        "nodes",
    ):
        assert name in query, name
    assert "roleSelect" in schema.mutation_type.fields
    exam = schema.type_map["Exam"].fields
    for name in (
        "status",
        "version",
        "school",
        "curriculum",
        "standard",
        "awardingBody",
        "graduationDate",
        "language",
        "finalCourse",
        "responsible",
        "comment",
        "groups",
        "participants",
        "eligibleStudents",
        "protocols",
        "history",
    ):
        assert name in exam, name
    assert set(schema.type_map["Role"].values) == {
        "SCHOOL",
        "AWARDING_BODY",
        "ASSESSOR",
        "COMMISSION_CHAIR",
        "REGISTRY_ADMIN",
    }
    assert set(schema.type_map["ExamStatus"].values) == {
        "DRAFT",
        "SUBMITTED",
        "RETURNED",
        "ACCEPTED",
        "ASSESSED",
        "COMPLETED",
        "CANCELLED",
    }
    codes = set(schema.type_map["ErrorCode"].values)
    assert {
        "INVALID_PERSONAL_CODE",
        "NOT_ELIGIBLE",
        "GROUP_FULL",
        "INVALID_STATE",
        "STALE_VERSION",
        "NOT_FOUND",
        "FORBIDDEN",
        "COMMENT_REQUIRED",
        "SCHEDULE_CONFLICT",
        "DUPLICATE_EXAM",
        "SIGNATURE_INVALID",
    } <= codes


def test_every_domain_problem_has_a_stable_error_code():
    from models.workflow.errors import MESSAGES
    from schema.errors import ErrorCode

    assert set(MESSAGES) - set(ErrorCode.__members__) == set()


def test_an_enum_cannot_be_registered_with_an_undescribed_value():
    from enum import StrEnum

    import pytest

    from schema.describe import described_enum

    class Colour(StrEnum):
        RED = "RED"
        BLUE = "BLUE"

    with pytest.raises(ValueError, match="missing \\['BLUE'\\]"):
        described_enum(Colour, description="Colours.", values={Colour.RED: "Red."})
