"""The ASGI application: GraphQL (and GraphiQL), health and readiness, metrics, document and
CSV report downloads, static assets."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from app import db
from app.auth import AuthError, KeyRing, load_key_ring, viewer_from_header
from app.documents import document_routes
from app.graphiql import graphiql_html, static_routes
from app.graphql import build_schema
from app.health import health, ready
from app.login import login_routes
from app.metrics import metrics_endpoint
from app.observe import RequestObserver
from app.reports import report_routes
from app.request_context import current_request
from app.settings import Settings
from app.signing import signing_setup
from integrations.population_register import FilePopulationRegister
from models.workflow.signing import SigningSetup
from resolvers.context import Context
from resolvers.loaders import Loaders

log = logging.getLogger("eksamihaldus")


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, settings: Settings, keys: KeyRing, signing: SigningSetup) -> None:
        # Uploads: documentVerify takes a PDF. Tokens travel in a header, never in cookies,
        # so a cross-site form post carries no one's authority.
        super().__init__(
            build_schema(settings), graphql_ide="graphiql", multipart_uploads_enabled=True
        )
        self.settings = settings
        self.keys = keys
        self.signing = signing
        self.register = FilePopulationRegister(settings.population_register_file)

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
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

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:  # type: ignore[override]
        return HTMLResponse(graphiql_html())


# Room for the multipart envelope and the GraphQL document around an uploaded PDF.
UPLOAD_OVERHEAD = 1024 * 1024


def _declared_length(request: Request) -> int:
    try:
        return int(request.headers.get("content-length", "0"))
    except ValueError:
        return 0


class AuthenticatedGraphQL:
    """Verifies the bearer token before GraphQL runs: a refused token is a 401 with a GraphQL
    error body, never a silent downgrade to the public view."""

    def __init__(self, graphql: GraphQLApp) -> None:
        self.graphql = graphql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        if _declared_length(request) > self.graphql.settings.verify_max_bytes + UPLOAD_OVERHEAD:
            # Refused before the body is read: an upload is spooled whole before any resolver
            # sees it, so documentVerify's own limit would come too late.
            response = JSONResponse(
                {
                    "errors": [
                        {
                            "message": "Päring on liiga suur. / The request is too large.",
                            "extensions": {"code": "REQUEST_TOO_LARGE"},
                        }
                    ]
                },
                status_code=413,
            )
            await response(scope, receive, send)
            return
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
            info.role = viewer.role.value if viewer.role is not None else "PUBLIC"
        await self.graphql(scope, receive, send)


def create_app(
    settings: Settings | None = None, *, migrate: bool = True, demo: bool | None = None
) -> Starlette:
    """The application; on start it migrates (if asked) and loads demo data into an empty
    database when `demo` (default: the setting) is true."""
    settings = settings or Settings.from_env()
    keys = load_key_ring(settings)
    signing = signing_setup(settings)
    load_demo = settings.load_demo_data if demo is None else demo
    migrate = migrate and settings.migrate_on_start

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.is_sqlite:
            db.ensure_sqlite_directory(settings.database_url)
        if migrate:
            await db.apply_migrations(settings.database_url)
        await db.connect(settings.database_url)
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
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
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

    routes: list[BaseRoute] = [
        Route(
            "/graphql",
            AuthenticatedGraphQL(GraphQLApp(settings, keys, signing)),
            methods=["GET", "POST"],
        ),
        Route("/health", health, methods=["GET"]),
        Route("/ready", ready, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        *login_routes(settings, keys),
        *document_routes(settings, keys),
        *report_routes(settings, keys),
        *static_routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(RequestObserver)])
    app.state.settings = settings
    app.state.keys = keys
    app.state.signing = signing
    return app


def create_worker_app() -> Starlette:
    """For `serve --workers N`: the parent process has migrated already."""
    return create_app(migrate=False, demo=False)
