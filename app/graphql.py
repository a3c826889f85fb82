"""The GraphQL schema, composed from every domain's query and mutation classes."""

from __future__ import annotations

from functools import cache
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from app.cost import QueryCostLimiter
from app.error_log import log_error
from app.observe import OperationObserver
from app.settings import Settings
from models.access import PUBLIC
from resolvers.appeal import AppealMutation, AppealQuery
from resolvers.certificate import CertificateQuery
from resolvers.compensation import CompensationMutation, CompensationQuery
from resolvers.compiled.context import CompiledExecutionContext
from resolvers.curriculum import CurriculumQuery
from resolvers.exam import ExamQuery
from resolvers.exam_mutations import ExamMutation
from resolvers.group_mutations import GroupMutation
from resolvers.loaders import Loaders
from resolvers.node import NodeQuery
from resolvers.notification import NotificationMutation, NotificationQuery
from resolvers.organisation import OrganisationQuery
from resolvers.participant_mutations import ParticipantMutation
from resolvers.person import PersonMutation, PersonQuery
from resolvers.placement_mutations import PlacementMutation
from resolvers.protocol import ProtocolMutation, SigningSessionQuery
from resolvers.standard import StandardQuery
from resolvers.statistics import StatisticsQuery
from resolvers.subscription import LiveSubscription
from schema.exam import Exam
from schema.group import ExamGroup
from schema.guards import install_guards
from schema.limits import install_input_limits
from schema.loading import install_loaders
from schema.participant import EligibleStudent, Participant
from schema.person import Person
from schema.sign_in import SignInHint, install_sign_in
from schema.standard import PartialQualification, Specialisation


@strawberry.type(description="Everything that can be read.")
class Query(
    NodeQuery,
    PersonQuery,
    StandardQuery,
    CurriculumQuery,
    OrganisationQuery,
    ExamQuery,
    CertificateQuery,
    NotificationQuery,
    StatisticsQuery,
    CompensationQuery,
    AppealQuery,
    SigningSessionQuery,
):
    pass


@strawberry.type(description="Everything that can be changed.")
class Mutation(
    PersonMutation,
    ExamMutation,
    GroupMutation,
    ParticipantMutation,
    ProtocolMutation,
    PlacementMutation,
    NotificationMutation,
    CompensationMutation,
    AppealMutation,
):
    pass


class Schema(strawberry.Schema):
    """Strawberry's schema, logging errors by whose fault they are (app/error_log.py)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            log_error(error)


@strawberry.type(
    description="Everything that can be followed live, over graphql-transport-ws on /graphql "
    "(the token in connection_init)."
)
class Subscription(LiveSubscription):
    pass


def _is_user_fault(error: Any) -> bool:
    """Errors we raise on purpose are shown as they are; anything else is masked."""
    extensions = getattr(error, "extensions", None) or {}
    return "code" in extensions


def make_schema(
    production: bool,
    max_depth: int,
    max_tokens: int,
    max_aliases: int,
    max_cost: int,
    execution_context_class: type[Any] = CompiledExecutionContext,
) -> strawberry.Schema:
    """A new schema; `build_schema` keeps one per configuration."""
    # The rules are built once: ValidationCache keys on them, and limiters made per request
    # would bring new rule classes each time, so the cache would never hit.
    rules = [
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    ]
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: AddValidationRules(rules),
        ParserCache,
        ValidationCache,
        # After validation (ValidationCache writes its result first), before execution.
        lambda: QueryCostLimiter(limit=max_cost),
        OperationObserver,
        SignInHint,
    ]
    if production:
        extensions.append(
            lambda: MaskErrors(
                should_mask_error=lambda error: (
                    not _is_user_fault(error) and error.original_error is not None
                )
            )
        )
    schema = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[
            Exam,
            ExamGroup,
            Participant,
            Person,
            EligibleStudent,
            PartialQualification,
            Specialisation,
        ],
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
        execution_context_class=execution_context_class,
    )
    install_guards(schema)
    install_input_limits(schema)
    install_sign_in(schema)  # outside the limits: a request without a token is told first
    install_loaders(schema, probe=Loaders(PUBLIC))
    return schema


_schema = cache(make_schema)


def build_schema(settings: Settings) -> strawberry.Schema:
    return _schema(
        settings.production,
        settings.max_query_depth,
        settings.max_query_tokens,
        settings.max_aliases,
        settings.max_query_cost,
    )


def export_sdl() -> str:
    """The SDL as committed in schema/schema.graphql (independent of runtime limits)."""
    return build_schema(Settings()).as_str() + "\n"
