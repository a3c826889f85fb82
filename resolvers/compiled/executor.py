"""Running compiled root fields: the bounded cache of statements, the parameters of one
request, the statement on one pooled connection (prepared and kept by asyncpg's statement
cache), and the walk that adds guards' errors and fallback subtrees."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import orjson
from graphql import GraphQLError
from graphql.pyutils import Path
from tortoise import connections
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from models.access import exam_visibility
from resolvers.compiled.compiler import item_nullable, nullable
from resolvers.compiled.plan import Binding, CompiledRoot, Decline, FieldStep, ObjectPlan

# Compiled statements kept per process: distinct documents beyond this evict the oldest,
# so a client sending ever new documents cannot grow memory without bound.
CACHE_SIZE = 256


class StatementCache:
    """Compiled root fields (or None: not compiled) by document, field, role and the
    variables that change the statement's shape."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[Any, CompiledRoot | None]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, document: Any) -> tuple[bool, CompiledRoot | None]:
        found = self._entries.get(key)
        # The key holds the document's id; the entry keeps the document alive, so the id
        # cannot be reused while the entry exists.
        if found is None or found[0] is not document:
            return False, None
        self._entries.move_to_end(key)
        return True, found[1]

    def put(self, key: Hashable, document: Any, compiled: CompiledRoot | None) -> None:
        self._entries[key] = (document, compiled)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


STATEMENTS = StatementCache()

# Root fields sent to a compiled statement in this process (tests check the path ran).
ANSWERED = [0]


def postgres_client() -> AsyncpgDBClient | None:
    client = connections.get("default")
    return client if isinstance(client, AsyncpgDBClient) else None


def parameters(compiled: CompiledRoot, viewer: Any, variables: Any) -> list[Any]:
    """The statement's parameters for this request; Decline sends the field to today's path."""
    visibility = exam_visibility(viewer)
    if visibility is None:
        raise Decline
    binding = Binding(viewer=viewer, visibility=visibility, variables=variables)
    return [getter(binding) for getter in compiled.getters]


async def fetch_json(client: AsyncpgDBClient, compiled: CompiledRoot, values: list[Any]) -> Any:
    async with client.acquire_connection() as connection:
        # Logged as Tortoise logs its statements, so app.sqlcount counts it.
        client.log.debug("%s: %s", compiled.sql, values)
        return await connection.fetchval(compiled.sql, *values)


class Walk:
    """Turns the statement's JSON into the field's value where Python still has work: hidden
    guarded values become null with FORBIDDEN, fallback fields run today's resolver."""

    def __init__(self, execution: Any) -> None:
        self.execution = execution
        self.pending: list[tuple[dict[str, Any], FieldStep, Any, Any, Path, list[Any]]] = []

    def object(self, value: dict[str, Any], plan: ObjectPlan, path: Path, chain: list[Any]) -> None:
        for step in plan.steps:
            found = value.get(step.key)
            field_path = Path(path, step.key, plan.type.name)
            if step.kind == "guard":
                if isinstance(found, dict):
                    value[step.key] = None
                    self.forbidden(plan, step, field_path)
            elif step.kind == "fallback":
                self.pending.append((value, step, found, plan.type, field_path, chain))
            elif found is None:
                continue
            elif step.kind == "object":
                assert step.child is not None
                link = (value, step.key, nullable(step.field_def.type), field_path)
                self.object(found, step.child, field_path, [*chain, link])
            else:
                assert step.child is not None
                link = (value, step.key, nullable(step.field_def.type), field_path)
                items_nullable = item_nullable(step.field_def.type)
                for index, item in enumerate(found):
                    if item is not None:
                        item_path = Path(field_path, index, None)
                        item_link = (found, index, items_nullable, item_path)
                        self.object(item, step.child, item_path, [*chain, link, item_link])

    def forbidden(self, plan: ObjectPlan, step: FieldStep, path: Path) -> None:
        # The same error as schema/guards.py raises on today's path.
        error = GraphQLError(
            f"Not allowed to see {plan.type.name}.{step.field_name}",
            nodes=[details.node for details in step.details],
            path=path.as_list(),
            extensions={"code": "FORBIDDEN"},
        )
        self.execution.collected_errors.add(error, path)

    async def finish(self) -> None:
        if self.pending:
            await asyncio.gather(*(self.fallback(*item) for item in self.pending))

    async def fallback(
        self,
        value: dict[str, Any],
        step: FieldStep,
        pk: Any,
        parent_type: Any,
        path: Path,
        chain: list[Any],
    ) -> None:
        execution = self.execution
        assert step.loader is not None
        parent = await step.loader(execution.context_value.loaders).load(pk)
        if parent is None:
            value[step.key] = None
            return
        try:
            result = execution.execute_field(parent_type, parent, step.details, path, None)
            if execution.is_awaitable(result):
                result = await result
            value[step.key] = result
        except GraphQLError as error:
            # A non-null field failed: null its nearest nullable ancestor, as graphql-core
            # does; none below the root field: the root field's handler takes it.
            for container, key, is_nullable, ancestor_path in reversed(chain):
                if is_nullable:
                    container[key] = None
                    execution.collected_errors.add(error, ancestor_path)
                    return
            raise


async def run(
    execution: Any,
    client: AsyncpgDBClient,
    compiled: CompiledRoot,
    values: list[Any],
    path: Path,
    splice: bool,
) -> Any:
    ANSWERED[0] += 1
    text = await fetch_json(client, compiled, values)
    if text is None:
        return None
    if compiled.plan is None:
        # PostgreSQL's JSON goes into the response as it is.
        return orjson.Fragment(text) if splice else orjson.loads(text)
    value = orjson.loads(text)
    walk = Walk(execution)
    walk.object(value, compiled.plan, path, [])
    await walk.finish()
    return value
