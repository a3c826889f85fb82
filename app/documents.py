"""Downloads of protocol PDFs and school extracts, with the same bearer token as the API, or
through a signed link (`?access=`, app/download_links.py) that a browser opens as it is.

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

from app.auth import AuthError, KeyRing, signed_in_viewer
from app.download_links import ACCESS_PARAMETER, download_viewer
from app.settings import Settings
from models.access import (
    Viewer,
    extract_scope,
    may_download_extract,
    may_download_protocol,
    visible_protocols,
)
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

    return [
        Route("/documents/protocols/{id}", protocol_document, methods=["GET"]),
        Route("/documents/extracts/{id}", extract, methods=["GET"]),
    ]
