"""A real OpenID Connect provider for the tests, on loopback: authorize, token and jwks, with
an RSA test key pair. It signs in whoever `subject` names, and can misbehave on request."""

from __future__ import annotations

import asyncio
import base64
import secrets
import socket
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route


def _key_pair() -> tuple[str, dict[str, Any]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, jwk.construct(public, "RS256").to_dict()


@dataclass
class Provider:
    client_id: str = "eksamihaldus"
    client_secret: str = "test-secret"
    subject: str = "EE38001085718"
    token_lifetime: int = 300
    sign_with_unpublished_key: bool = False
    base_url: str = ""
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    current_kid: str = ""
    jwks_requests: int = 0

    def rotate(self) -> str:
        self.current_kid = secrets.token_hex(4)
        self.keys[self.current_kid] = _key_pair()
        return self.current_kid

    @property
    def issuer(self) -> str:
        return self.base_url

    def id_token(self, nonce: str, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": self.subject,
            "iat": now,
            "exp": now + self.token_lifetime,
            "nonce": nonce,
            **overrides,
        }
        private, _ = _key_pair() if self.sign_with_unpublished_key else self.keys[self.current_kid]
        return jwt.encode(claims, private, algorithm="RS256", headers={"kid": self.current_kid})

    async def authorize(self, request: Request) -> Response:
        query = request.query_params
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": query["nonce"], "redirect_uri": query["redirect_uri"]}
        target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        return RedirectResponse(target, 302)

    async def token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        auth = request.headers.get("authorization", "")
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if auth != f"Basic {expected}":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.codes.pop(str(form.get("code")), None)  # a code works once
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse(
            {
                "id_token": self.id_token(grant["nonce"]),
                "token_type": "Bearer",
                "access_token": secrets.token_urlsafe(16),
            }
        )

    async def jwks(self, request: Request) -> Response:
        self.jwks_requests += 1
        return JSONResponse(
            {
                "keys": [
                    {**public, "kid": kid, "alg": "RS256", "use": "sig"}
                    for kid, (_, public) in self.keys.items()
                ]
            }
        )

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
                Route("/jwks", self.jwks),
            ]
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def serve(provider: Provider) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    port = free_port()
    provider.base_url = f"http://127.0.0.1:{port}"
    provider.rotate()
    server = uvicorn.Server(
        uvicorn.Config(
            provider.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # uvicorn.Server offers a flag, not an event
        if server.started:
            break
        await asyncio.sleep(0.01)
    return server, task
