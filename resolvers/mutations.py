"""What every mutation shares: expected failures become userErrors, and the payload is read
after the transaction committed, through fresh loaders under the viewer's scope."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from models.workflow.errors import DomainError, Problem
from resolvers.loaders import Loaders
from schema.errors import ErrorCode, UserError
from schema.info import Info

T = TypeVar("T")


def user_errors(problems: list[Problem]) -> list[UserError]:
    return [
        UserError(
            field=list(p.field) if p.field else None, message=p.message, code=ErrorCode[p.code]
        )
        for p in problems
    ]


async def attempt(operation: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    try:
        return await operation, []
    except DomainError as error:
        return None, user_errors(error.problems)


def fresh_loaders(info: Info) -> Loaders:
    """Loaders with nothing cached from before the change."""
    info.context.loaders = Loaders(info.context.viewer)
    return info.context.loaders
