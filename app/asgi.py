"""The ASGI application: GraphQL (and GraphiQL), health and readiness, metrics, document and
CSV report downloads, static assets."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET

from app import db, request_body
from app.auth import AuthError, KeyRing, load_key_ring, viewer_from_header
from app.cors import OriginPolicy
from app.documents import document_routes
from app.graphiql import graphiql_html, static_routes
from app.graphql import build_schema
from app.health import health, ready
from app.listen import listen
from app.live import LiveConnection, LiveHandler, TextWebSocketAdapter
from app.login import login_routes
from app.metrics import metrics_endpoint
from app.observe import RequestObserver
from app.operations import (
    TrustedDocumentRefused,
    TrustedDocuments,
    attach_document_ids,
    register_metric_names,
)
from app.reports import report_routes
from app.request_context import current_request
from app.settings import Settings
from app.signing import signing_setup
from integrations.population_register import FilePopulationRegister
from models.access import PUBLIC
from models.workflow.signing import SigningSetup
from resolvers.context import Context
from resolvers.loaders import Loaders
from schema.appeal import MAX_ATTACHMENTS
from signing.workers import DocumentWorkers

log = logging.getLogger("eksamihaldus")


class GraphQLApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = LiveHandler
    websocket_adapter_class = TextWebSocketAdapter

    def __init__(self, settings: Settings, keys: KeyRing, signing: SigningSetup) -> None:
        # Uploads: documentVerify takes a PDF. Tokens travel in a header, never in cookies,
        # so a cross-site form post carries no one's authority.
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql",
            multipart_uploads_enabled=True,
            # Live updates: graphql-transport-ws only; LiveHandler applies the limit with
            # its own code.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=None,
        )
        self.settings = settings
        self.keys = keys
        self.signing = signing
        self.register = FilePopulationRegister(settings.population_register_file)
        self.trusted = TrustedDocuments(only_trusted=settings.trusted_documents_only)
        self.origins = OriginPolicy(settings.cors_origins)

    async def parse_http_body(self, request: Any) -> Any:
        """Strawberry's parsing, then trusted documents: a hash becomes its registered text
        (app/operations.py), and with EH_TRUSTED_DOCUMENTS_ONLY nothing else runs."""
        parsed = await super().parse_http_body(request)
        raw: Any = None
        if request.method == "GET":
            raw = dict(request.query_params)
        elif "json" in (request.content_type or ""):  # a multipart body is consumed by now
            body = await request.get_body()
            raw = request_body.decode_json(body) if b'"documentId"' in body else None
        if raw is not None:
            attach_document_ids(parsed, raw)
        items = parsed if isinstance(parsed, list) else [parsed]
        try:
            for item in items:
                await self.trusted.apply(item)
        except TrustedDocumentRefused:
            for item in items:  # a refused upload's spooled files go now, not at collection
                for upload in _uploads(item.variables):
                    await upload.close()
            raise
        return parsed

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:  # type: ignore[override]
        try:
            return await super().run(request, context, root_value)
        except TrustedDocumentRefused as refused:
            return JSONResponse(
                {"errors": [{"message": str(refused), "extensions": {"code": refused.code}}]},
                status_code=400,
            )

    def is_websocket_origin_allowed(self, request: WebSocket, origin: str) -> bool:
        return self.origins.allows(origin)

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        if isinstance(request, WebSocket):
            # The socket signs in with its first message (connection_init), not a header.
            return Context(
                viewer=PUBLIC,
                settings=self.settings,
                keys=self.keys,
                loaders=Loaders(PUBLIC),
                register=self.register,
                signing=self.signing,
                request=request,
                compiled_reads=self.settings.compiled_reads,
                live=LiveConnection(self.keys, self.settings, request),
            )
        viewer = request.scope["state"]["viewer"]
        return Context(
            viewer=viewer,
            settings=self.settings,
            keys=self.keys,
            loaders=Loaders(viewer),
            register=self.register,
            signing=self.signing,
            request=request,
            response=response,
            # Compiled root fields' JSON goes into the response unparsed (encode_json).
            splice_json=True,
            compiled_reads=self.settings.compiled_reads,
        )

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        return request_body.decode_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        # A request body or multipart `operations`: anything but an object is refused here,
        # before strawberry reads it as one.
        return request_body.graphql_document(data)

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        # GET: `variables` and `extensions` may be any JSON; strawberry checks their type.
        parsed = dict(params)
        for name in ("variables", "extensions"):
            if parsed.get(name):
                parsed[name] = request_body.decode_json(parsed[name])
        return parsed

    async def parse_multipart(self, request: Any) -> dict[str, str]:
        try:
            form_data = await request.get_form_data()
        except ValueError as error:
            raise request_body.RequestRefused(400, request_body.BAD_MULTIPART) from error
        try:
            operations = form_data.form.get("operations", "{}")
            if isinstance(operations, bytes | str):
                operations = request_body.graphql_document(operations)
            files_map = form_data.form.get("map", "{}")
            if isinstance(files_map, bytes | str):
                files_map = request_body.files_map(files_map)
            if not isinstance(operations, dict) or not isinstance(files_map, dict):
                raise request_body.RequestRefused(400, request_body.BAD_MULTIPART)
            try:
                return replace_placeholders_with_files(operations, files_map, form_data.files)
            except (KeyError, IndexError, ValueError, TypeError) as error:
                raise request_body.RequestRefused(400, request_body.BAD_MULTIPART) from error
        except request_body.RequestRefused:
            # The uploads are spooled to files that nothing else would close now.
            close = getattr(form_data.files, "close", None)
            if close is not None:
                await close()
            raise

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        # strawberry answers its own refusals in plain text; ours carry a GraphQL error body.
        try:
            response: Response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as error:
            response = request_body.refusal(error.status_code, error.reason)
        except request_body.RequestRefused as refused:
            response = refused.response()
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:  # type: ignore[override]
        return HTMLResponse(graphiql_html())


def _uploads(value: Any) -> Iterator[UploadFile]:
    if isinstance(value, UploadFile):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _uploads(item)
    elif isinstance(value, list):
        for item in value:
            yield from _uploads(item)


# Room for the multipart envelope and the GraphQL document around an uploaded PDF.
UPLOAD_OVERHEAD = 1024 * 1024


def _declared_length(request: Request) -> int:
    try:
        return int(request.headers.get("content-length", "0"))
    except ValueError:
        return 0


def body_limit(settings: Settings, request: Request) -> int:
    """How many body bytes a GraphQL request may send: an upload (multipart) room for the
    largest file the API takes (a PDF for documentVerify, an appeal's attachments), anything
    else `max_body_bytes`."""
    if request.headers.get("content-type", "").startswith("multipart/"):
        appeal = settings.appeal_attachment_max_bytes * MAX_ATTACHMENTS
        return max(settings.verify_max_bytes, appeal) + UPLOAD_OVERHEAD
    return settings.max_body_bytes


class AuthenticatedGraphQL:
    """Verifies the bearer token before GraphQL runs: a refused token is a 401 with a GraphQL
    error body, never a silent downgrade to the public view."""

    def __init__(self, graphql: GraphQLApp) -> None:
        self.graphql = graphql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        limit = body_limit(self.graphql.settings, request)
        if _declared_length(request) > limit:
            # Refused before the body is read: an upload is spooled whole before any resolver
            # sees it, so documentVerify's own limit would come too late.
            response = request_body.refusal(
                413, request_body.TOO_LARGE, request_body.REQUEST_TOO_LARGE
            )
            await response(scope, receive, send)
            return
        # A body without a (true) Content-Length is counted as it arrives.
        receive = request_body.limited_receive(receive, limit)
        try:
            viewer = await viewer_from_header(
                self.graphql.keys, self.graphql.settings, request.headers.get("authorization")
            )
        except AuthError as error:
            response = JSONResponse(
                {"errors": [{"message": str(error), "extensions": {"code": "UNAUTHENTICATED"}}]},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["viewer"] = viewer
        info = current_request()
        if info is not None:
            info.role = (
                viewer.role.value
                if viewer.role is not None
                else ("PUBLIC" if viewer.is_public else "PERSONAL")
            )
        await self.graphql(scope, receive, send)


def create_app(
    settings: Settings | None = None, *, migrate: bool = True, demo: bool | None = None
) -> Starlette:
    """The application; on start it migrates (if asked) and loads demo data into an empty
    database when `demo` (default: the setting) is true."""
    settings = settings or Settings.from_env()
    keys = load_key_ring(settings)
    # CPU-bound document work runs in worker processes, away from the event loop.
    signing = replace(signing_setup(settings), workers=DocumentWorkers(settings.signing_workers))
    load_demo = settings.load_demo_data if demo is None else demo
    migrate = migrate and settings.migrate_on_start

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Ready only once the document workers are: the first signatures do not wait for them.
        await signing.workers.start()
        if settings.is_sqlite:
            db.ensure_sqlite_directory(settings.database_url)
        if migrate:
            await db.apply_migrations(settings.database_url)
        await db.connect(settings.database_url)
        # Metric labels: the registered operations' names and the examples' (app/metrics.py).
        await register_metric_names(build_schema(settings)._schema)
        if load_demo:
            from app.demo import load_demo_data

            if await load_demo_data(signing):
                log.info("loaded the demo data into an empty database")
        from mail.sender import email_sender
        from mail.worker import run_worker
        from models.notification import configure_links

        configure_links(settings.public_url)
        # The outbox worker: delivers the mails that mutations wrote (several processes
        # share the outbox safely on PostgreSQL). Off where `eksamihaldus worker` runs apart.
        stop_mail = asyncio.Event()
        mail_worker = None
        if settings.mail_in_serve:
            mail_worker = asyncio.create_task(
                run_worker(
                    email_sender(settings.smtp),
                    stop_mail,
                    settings.mail_poll_seconds,
                    mail_from=settings.mail_from,
                ),
                name="mail worker",
            )
        # Smart-ID and Mobile-ID sessions are followed by every API process (see
        # models/workflow/signing_poller.py).
        stop_signing = asyncio.Event()
        signing_poller = None
        if signing.smart_id is not None or signing.mobile_id is not None:
            from models.workflow.signing_poller import SigningPoller

            signing_poller = SigningPoller(
                signing, lease=timedelta(seconds=settings.signing_lease_seconds)
            )
            app.state.signing_poller = signing_poller
            signing_task = asyncio.create_task(
                signing_poller.run(stop_signing), name="signing poller"
            )
        # What start-up built (schema, modules, caches) lives as long as the process: keep
        # the cyclic collector from scanning it again on every collection of a request's
        # garbage.
        # Live events from every process reach this one through PostgreSQL LISTEN; on
        # SQLite (one process) they are dispatched in-process after each commit.
        stop_listening = asyncio.Event()
        listener = None
        if not settings.is_sqlite:
            listener = asyncio.create_task(
                listen(settings.database_url, stop_listening), name="live events"
            )
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            stop_listening.set()
            if listener is not None:
                await listener
            stop_signing.set()
            if signing_poller is not None:
                await signing_task
            # Let the message in hand finish; one cut short stays pending and goes later.
            stop_mail.set()
            if mail_worker is not None:
                try:
                    await asyncio.wait_for(mail_worker, timeout=settings.smtp_timeout_seconds + 5)
                except TimeoutError:
                    log.warning("the mail worker did not stop in time; its message stays pending")
            await db.close()
            await asyncio.to_thread(signing.workers.close)

    graphql = GraphQLApp(settings, keys, signing)
    routes: list[BaseRoute] = [
        Route("/graphql", AuthenticatedGraphQL(graphql), methods=["GET", "POST"]),
        # Live updates (graphql-transport-ws): the token comes in connection_init.
        WebSocketRoute("/graphql", graphql),
        Route("/health", health, methods=["GET"]),
        Route("/ready", ready, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        *login_routes(settings, keys),
        *document_routes(settings, keys),
        *report_routes(settings, keys),
        *static_routes(),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[OriginPolicy(settings.cors_origins).middleware(), Middleware(RequestObserver)],
    )
    app.state.settings = settings
    app.state.keys = keys
    app.state.signing = signing
    return app


def create_worker_app() -> Starlette:
    """For `serve --workers N`: the parent process has migrated already."""
    return create_app(migrate=False, demo=False)
