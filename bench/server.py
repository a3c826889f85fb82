"""The benchmark's ASGI app: the real application plus reference routes.

`uvicorn bench.server:create_bench_app --factory` serves `create_app(settings, migrate=False,
demo=False)` with settings from the environment (DATABASE_URL, EH_JWT_PRIVATE_KEY_FILE), and
on PostgreSQL adds

    POST /reference/exam/{id}       -> {"data": {"exam": ...}}
    POST /reference/school/{id}     -> {"data": {"exams": {"edges": [...]}}}   (?first=20)

Each answers with the JSON one SQL statement built (bench/reference.py), run through the same
Tortoise connection pool in the same process. The bearer token is checked exactly as for
/graphql (signature, then the role looked up in the database), so both paths pay for it.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise import connections

from app.asgi import create_app
from app.auth import AuthError, viewer_from_header
from app.settings import Settings
from bench.reference import EXAM_PAGE_SQL, SCHOOL_LIST_SQL
from models.access import Viewer
from models.enums import Role


async def _school_viewer(request: Request) -> Viewer | Response:
    app = request.app
    try:
        viewer = await viewer_from_header(
            app.state.keys, app.state.settings, request.headers.get("authorization")
        )
    except AuthError as error:
        return JSONResponse({"errors": [{"message": str(error)}]}, status_code=401)
    if viewer.role is not Role.SCHOOL:
        return JSONResponse({"errors": [{"message": "reference: SCHOOL users only"}]}, 403)
    return viewer


async def _one_json(sql: str, params: list[object]) -> bytes:
    rows = await connections.get("default").execute_query_dict(sql, params)
    return rows[0]["j"].encode() if rows and rows[0]["j"] is not None else b"null"


async def reference_exam(request: Request) -> Response:
    viewer = await _school_viewer(request)
    if isinstance(viewer, Response):
        return viewer
    exam = await _one_json(EXAM_PAGE_SQL, [request.path_params["id"], viewer.organisation_id])
    return Response(b'{"data":{"exam":' + exam + b"}}", media_type="application/json")


async def reference_school(request: Request) -> Response:
    viewer = await _school_viewer(request)
    if isinstance(viewer, Response):
        return viewer
    school = request.path_params["id"]
    if school != viewer.organisation_id:
        return Response(b'{"data":{"exams":{"edges":[]}}}', media_type="application/json")
    first = min(max(int(request.query_params.get("first", "20")), 1), 100)
    exams = await _one_json(SCHOOL_LIST_SQL, [school, first])
    return Response(b'{"data":{"exams":' + exams + b"}}", media_type="application/json")


def add_reference_routes(app: Starlette) -> None:
    app.router.routes[:0] = [
        Route("/reference/exam/{id:int}", reference_exam, methods=["POST"]),
        Route("/reference/school/{id:int}", reference_school, methods=["POST"]),
    ]


def create_bench_app() -> Starlette:
    settings = Settings.from_env()
    app = create_app(settings, migrate=False, demo=False)
    if not settings.is_sqlite:
        add_reference_routes(app)
    return app
