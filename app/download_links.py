"""Absolute, short-lived download links a browser can open without an Authorization header.

A link carries a token in its query (`?access=`) signed with the API's own token key, for a
separate audience (`<EH_JWT_AUDIENCE>-download`), so neither kind of token passes for the
other. The token names the viewer (person, role, organisation) and the one document (its
path), and expires after `EH_DOWNLOAD_URL_SECONDS`. When the link is opened, the route checks
the token, that the person still holds the role, and then the same access rules as the
bearer route; an expired, altered or misplaced token is a 403 and nothing is served.
"""

from __future__ import annotations

import time
import uuid
from urllib.parse import quote

from app.auth import AuthError, KeyRing, TokenClaims, verify_claims, viewer_for
from app.settings import Settings
from models.access import Viewer

ACCESS_PARAMETER = "access"


def download_audience(settings: Settings) -> str:
    return f"{settings.jwt_audience}-download"


def signed_download_url(keys: KeyRing, settings: Settings, viewer: Viewer, path: str) -> str:
    """The absolute URL of `path` (e.g. `/documents/protocols/<id>`) for this viewer only."""
    if viewer.person_id is None or viewer.role is None:
        raise AuthError("only a signed-in viewer gets a download link")
    now = int(time.time())
    token = keys.sign(
        {
            "iss": settings.jwt_issuer,
            "aud": download_audience(settings),
            "sub": str(viewer.person_id),
            "role": viewer.role.value,
            "org": viewer.organisation_id,
            "doc": path,
            "iat": now,
            "exp": now + settings.download_url_seconds,
            "jti": uuid.uuid4().hex,
        }
    )
    return f"{settings.public_url}{quote(path)}?{ACCESS_PARAMETER}={token}"


async def download_viewer(keys: KeyRing, settings: Settings, token: str, path: str) -> Viewer:
    """The viewer a link was made for, if it is valid for exactly this path.

    Raises:
        AuthError: expired, altered, for another document, or the role is no longer held.
    """
    claims = keys.decode(token, settings, audience=download_audience(settings))
    if claims.get("doc") != path:
        raise AuthError("the link was made for another document")
    found: TokenClaims = verify_claims(claims)
    return await viewer_for(found)
