"""Downloads of protocol PDFs, school extracts and appeal decisions, with the same bearer
token as the API, or (protocols and extracts) through a signed link (`?access=`,
app/download_links.py) that a browser opens as it is.

Access follows the GraphQL fields `documentUrl` and `extractUrl`: the protocol must be within
the viewer's row scope, and the role must be one that downloads that kind of document.
Anything the viewer may not have is a 404, so IDs reveal nothing; a signed link that expired,
was altered or names another document is a 403 and nothing is served.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from app.auth import AuthError, KeyRing, signed_in_viewer, viewer_from_header
from app.download_links import ACCESS_PARAMETER, download_viewer
from app.settings import Settings
from models.access import (
    Viewer,
    appeal_scope,
    extract_scope,
    may_download_extract,
    may_download_protocol,
    visible_protocols,
)
from models.appeal import Appeal, AppealDocument
from models.protocol import Protocol, ProtocolDocument, ProtocolExtract
from schema.node import from_global_id

CHUNK = 64 * 1024


def unauthenticated() -> Response:
    """A plain HTTP endpoint's answer to a request without a usable bearer token."""
    return JSONResponse({"error": "UNAUTHENTICATED"}, 401, headers={"WWW-Authenticate": "Bearer"})


def _link_refused(reason: str) -> Response:
    return JSONResponse(
        {
            "error": "LINK_INVALID",
            "message": "Link on aegunud või vigane; küsi uus. / The link has expired or is not "
            f"valid; ask for a new one. ({reason})",
        },
        403,
        headers={"Cache-Control": "no-store"},
    )


def _not_found() -> Response:
    return JSONResponse({"error": "NOT_FOUND", "message": "Ei leitud. / Not found."}, 404)


def _pdf(content: bytes, filename: str) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(content), CHUNK):
            yield content[start : start + CHUNK]

    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return StreamingResponse(
        chunks(),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "Content-Length": str(len(content)),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def _visible_protocol(viewer: Viewer, global_id: str) -> Protocol | None:
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] != "Protocol":
        return None
    scope = visible_protocols(viewer)
    if scope is None:
        return None
    return await Protocol.filter(scope, id=decoded[1]).first()


def document_routes(settings: Settings, keys: KeyRing) -> list[BaseRoute]:
    async def viewer_of(request: Request) -> Viewer | Response:
        """The bearer token's viewer, or the signed link's; else the answer to send."""
        access = request.query_params.get(ACCESS_PARAMETER)
        if access is not None:
            try:
                return await download_viewer(keys, settings, access, request.url.path)
            except AuthError as error:
                return _link_refused(str(error))
        viewer = await signed_in_viewer(keys, settings, request.headers.get("authorization"))
        return unauthenticated() if viewer is None else viewer

    async def protocol_document(request: Request) -> Response:
        viewer = await viewer_of(request)
        if isinstance(viewer, Response):
            return viewer
        protocol = await _visible_protocol(viewer, request.path_params["id"])
        if protocol is None or not may_download_protocol(
            viewer, protocol.kind.value, protocol.group_id
        ):
            return _not_found()
        document = await ProtocolDocument.get_or_none(protocol_id=protocol.id)
        if document is None:
            return _not_found()
        name = protocol.number or f"HP-{protocol.exam_id}-{protocol.id}"
        return _pdf(document.content, f"{name}.pdf")

    async def extract(request: Request) -> Response:
        viewer = await viewer_of(request)
        if isinstance(viewer, Response):
            return viewer
        protocol = await _visible_protocol(viewer, request.path_params["id"])
        if protocol is None or not may_download_extract(viewer):
            return _not_found()
        extracts = ProtocolExtract.filter(extract_scope(viewer), protocol_id=protocol.id)
        found = await extracts.prefetch_related("school").first()
        if found is None:
            return _not_found()
        return _pdf(found.content, f"{protocol.number}-valjavote-{found.school.code}.pdf")

    async def appeal_decision(request: Request) -> Response:
        # The examinee downloads their own decision in their personal view (no role).
        try:
            viewer = await viewer_from_header(keys, settings, request.headers.get("authorization"))
        except AuthError:
            return unauthenticated()
        scope = appeal_scope(viewer)
        decoded = from_global_id(request.path_params["id"])
        if scope is None or viewer.is_public:
            return unauthenticated()
        if decoded is None or decoded[0] != "Appeal":
            return _not_found()
        appeal = await Appeal.filter(scope, id=decoded[1]).first()
        document = (
            await AppealDocument.get_or_none(appeal_id=appeal.id) if appeal is not None else None
        )
        if appeal is None or document is None:
            return _not_found()
        return _pdf(document.content, f"vaideotsus-{appeal.id}.pdf")

    return [
        Route("/documents/appeals/{id}", appeal_decision, methods=["GET"]),
        Route("/documents/protocols/{id}", protocol_document, methods=["GET"]),
        Route("/documents/extracts/{id}", extract, methods=["GET"]),
    ]
