"""Sign-in through the state authentication service (OpenID Connect authorization code flow).

GET /auth/login records a sign-in attempt (its `state` and `nonce`), remembers the state in a
short-lived cookie and sends the browser to the provider. GET /auth/callback accepts the
provider's answer once: the state must match the cookie and an unused, unexpired attempt; the
ID token must carry that attempt's nonce. The person (`sub` = EE<personal code>) gets our
access token for their first role, or for their own view (an examinee's: own participations,
results, certificates, notifications, appeals) when they hold none; `roleSelect` switches.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from app.auth import PERSONAL_VIEW, KeyRing, issue_token
from app.settings import Settings
from integrations.oidc import OidcClient, SignInError, new_state, personal_code_of
from models.clock import now
from models.enums import Role
from models.person import LoginAttempt, Person, RoleAssignment

log = logging.getLogger("eksamihaldus.login")

COOKIE = "eh_sign_in"
ATTEMPT_LIFETIME = timedelta(minutes=10)


def _refused(status: int, message: str) -> JSONResponse:
    response = JSONResponse({"error": message}, status_code=status)
    response.delete_cookie(COOKIE, path="/auth")
    return response


def login_routes(settings: Settings, keys: KeyRing) -> list[Route]:
    client = OidcClient(settings.oidc) if settings.oidc is not None else None
    secure = settings.public_url.startswith("https://")

    async def login(request: Request) -> Response:
        if client is None:
            return JSONResponse(
                {
                    "error": "sign-in through the state service is not configured here; "
                    "use `eksamihaldus token` for a development token"
                },
                status_code=503,
            )
        await LoginAttempt.filter(expires_at__lt=now() - timedelta(days=1)).delete()
        state, nonce = new_state(), new_state()
        await LoginAttempt.create(state=state, nonce=nonce, expires_at=now() + ATTEMPT_LIFETIME)
        response = RedirectResponse(client.authorization_url(state=state, nonce=nonce), 302)
        response.set_cookie(
            COOKIE,
            state,
            max_age=int(ATTEMPT_LIFETIME.total_seconds()),
            path="/auth",
            httponly=True,
            secure=secure,
            samesite="lax",
        )
        return response

    async def callback(request: Request) -> Response:
        if client is None:
            return _refused(503, "sign-in through the state service is not configured here")
        if "error" in request.query_params:
            return _refused(
                400,
                "the sign-in service reported an error: "
                + request.query_params.get("error", "")[:100],
            )
        state = request.query_params.get("state", "")
        code = request.query_params.get("code", "")
        if not state or not code or request.cookies.get(COOKIE) != state:
            return _refused(400, "the sign-in state does not match this browser: start again")
        claimed = await LoginAttempt.filter(
            state=state, used_at__isnull=True, expires_at__gt=now()
        ).update(used_at=now())
        if claimed != 1:
            return _refused(400, "this sign-in has expired or was already used: start again")
        attempt = await LoginAttempt.get(state=state)
        try:
            claims = await client.verify_id_token(await client.exchange(code), nonce=attempt.nonce)
            personal_code = personal_code_of(str(claims["sub"]))
        except SignInError as error:
            log.warning("sign-in refused: %s", error)
            return _refused(401, str(error))
        person = await Person.get_or_none(personal_code=personal_code)
        roles = (
            await RoleAssignment.filter(person=person)
            .order_by("role", "id")
            .values("role", "organisation_id", organisation="organisation__name")
            if person is not None
            else []
        )
        if person is None:
            return _refused(
                403,
                "you have no exams, certificates or role in this environment: ask the "
                "registry (eksamihaldus@kutsekoda.ee) for access",
            )
        # Without a granted role the person gets their own view (an examinee's).
        first = roles[0] if roles else {"role": None, "organisation_id": None}
        token = issue_token(
            keys,
            settings,
            person_id=person.id,
            role=Role(first["role"]) if first["role"] is not None else None,
            organisation_id=first["organisation_id"],
        )
        response = JSONResponse(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": settings.jwt_ttl_seconds,
                "person": {"first_name": person.first_name, "last_name": person.last_name},
                "role": first["role"] or PERSONAL_VIEW,
                "roles": [{"role": r["role"], "organisation": r["organisation"]} for r in roles],
            }
        )
        response.delete_cookie(COOKIE, path="/auth")
        return response

    return [
        Route("/auth/login", login, methods=["GET"]),
        Route("/auth/callback", callback, methods=["GET"]),
    ]
