"""What app-side changes would buy: the exam page timed in-process, with candidate changes
applied one on top of the other by patching the built schema in this process only.

    python -m bench.what_if [--database-url ...] [--page exam|school] [--requests 30]

Needs the data set of `python -m bench.read_graph`. Each step is checked to return the
same data as the unchanged app. Steps:

  validation  the depth and alias rules are built once, so ValidationCache hits (today the
              limiters are created per request, with new rule classes, and every request is
              validated again)
  leaves      scalar and enum fields with no resolver are completed without building a
              GraphQLResolveInfo or calling Strawberry's resolver wrapper (an execution
              context subclass with a fast path; anything unusual falls back), guarded
              ones (schema/guards.py) too when their flag allows
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from graphql import GraphQLNonNull, GraphQLObjectType, get_named_type, is_leaf_type
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, QueryDepthLimiter
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app import db, graphql
from app.asgi import create_app
from app.auth import issue_token, load_key_ring
from app.settings import Settings
from bench import dataset
from bench.queries import EXAM_PAGE, SCHOOL_LIST
from models.enums import Role
from schema.node import to_global_id

_LEAF = "_bench_leaf"


class FastLeaves(StrawberryGraphQLCoreExecutionContext):
    """Completes plain scalar/enum attributes directly; everything else as before."""

    def execute_field(self, parent_type, source, field_details_list, path, position_context):  # type: ignore[no-untyped-def]
        node = field_details_list[0].node
        field_def = self.schema.get_field(parent_type, node.name.value)
        plan = getattr(field_def.resolve, _LEAF, None) if field_def is not None else None
        middleware = self.middleware_manager
        if (
            plan is not None
            and not node.arguments
            and (middleware is None or not middleware._middleware_resolvers)
        ):
            attribute, coerce, nullable, guard = plan
            if guard is None or getattr(source, guard):  # else the guard reports the error
                value = getattr(source, attribute)
                if value is None:
                    if nullable:
                        return None
                else:
                    coerced = coerce(value)
                    if coerced is not None:
                        return coerced
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def _mark_leaves(schema: Any) -> int:
    marked = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field in graphql_type.fields.values():
            definition = (field.extensions or {}).get("strawberry-definition")
            resolve = field.resolve
            guard = definition.metadata.get("guard") if definition is not None else None
            if definition is None or not (guard or getattr(resolve, "_is_default", False)):
                continue
            named = get_named_type(field.type)
            if is_leaf_type(named) and not field.args:
                plan = (
                    definition.python_name,
                    named.coerce_output_value,
                    not isinstance(field.type, GraphQLNonNull),
                    guard,
                )
                setattr(resolve, _LEAF, plan)
                marked += 1
    return marked


def patch_validation(settings: Settings) -> None:
    """Rebuild the schema with its validation rules made once (so the cache can hit)."""
    schema = graphql.build_schema(settings)
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    kept = [
        e
        for e in schema.extensions
        if not (callable(e) and isinstance(e(), QueryDepthLimiter | MaxAliasesLimiter))
    ]
    schema.extensions = (*kept, lambda: AddValidationRules(rules))


def patch_leaves(settings: Settings) -> int:
    schema = graphql.build_schema(settings)
    schema.execution_context_class = FastLeaves
    return _mark_leaves(schema)


async def timed(client: httpx.AsyncClient, body: dict[str, Any], n: int) -> tuple[float, Any]:
    best, data = float("inf"), None
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(n):
            response = await client.post("/graphql", json=body)
        best = min(best, (time.perf_counter() - started) / n)
        parsed = response.json()
        if "errors" in parsed:
            raise SystemExit(json.dumps(parsed)[:1000])
        data = parsed["data"]
    return best * 1000, data


async def main_async(args: argparse.Namespace) -> None:
    await db.connect(args.database_url)
    handles = await dataset.find(not args.database_url.startswith("sqlite"))
    with tempfile.TemporaryDirectory(prefix="eh-whatif-") as tmp:
        settings = Settings(
            database_url=args.database_url, jwt_private_key_file=Path(tmp) / "jwt.pem"
        )
        token = issue_token(
            load_key_ring(settings), settings, person_id=handles.school_user_id,
            role=Role.SCHOOL, organisation_id=handles.school_id,
        )  # fmt: skip
        if args.page == "exam":
            exam = to_global_id("Exam", handles.exam_page_id)
            body = {"query": EXAM_PAGE, "variables": {"id": exam}}
        else:
            body = {"query": SCHOOL_LIST, "variables": {"first": 20}}
        app = create_app(settings, migrate=False, demo=False)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench",
            headers={"Authorization": f"Bearer {token}"},
        ) as client:  # fmt: skip
            await timed(client, body, 3)
            base, expected = await timed(client, body, args.requests)
            print(
                f"{args.page} page, in-process, one request at a time (best of 3 × {args.requests})"
            )
            print(f"  as is                         {base:6.1f} ms/request")
            patch_validation(settings)
            await timed(client, body, 3)
            ms, data = await timed(client, body, args.requests)
            print(f"  + validation rules made once {ms:6.1f} ms  ({base / ms - 1:+.0%})"
                  f"{'' if data == expected else '  DATA DIFFERS'}")  # fmt: skip
            marked = patch_leaves(settings)
            await timed(client, body, 3)
            ms, data = await timed(client, body, args.requests)
            print(f"  + fast leaf fields ({marked}) {ms:6.1f} ms  ({base / ms - 1:+.0%})"
                  f"{'' if data == expected else '  DATA DIFFERS'}")  # fmt: skip
            if args.profile:
                profile = cProfile.Profile()
                profile.enable()
                await timed(client, body, args.requests)
                profile.disable()
                profile.dump_stats(args.profile)
    await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/eh_bench")
    parser.add_argument("--page", choices=["exam", "school"], default="exam")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", type=Path, help="save a cProfile of the patched app here")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
