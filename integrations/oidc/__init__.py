"""Sign-in through an OpenID Connect provider, as the Estonian state authentication service
(TARA) works: authorization code flow, an ID token whose `sub` is `EE<personal code>`.

`OidcClient` builds the authorization URL, exchanges the code at the token endpoint and
verifies the ID token against the provider's published key set (signature, `iss`, `aud`,
`exp`, `iat`, `nonce`). The key set is cached and fetched again when a token names a key
it does not hold (the provider rotated its keys).
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from jose import jwt
from jose.exceptions import ExpiredSignatureError, JWTClaimsError, JWTError


class SignInError(Exception):
    """The sign-in was refused; the message is safe to show."""


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    scope: str = "openid"
    algorithm: str = "RS256"
    timeout_seconds: float = 10.0


def new_state() -> str:
    return secrets.token_urlsafe(32)


def personal_code_of(subject: str) -> str:
    """The personal code in a TARA subject such as 'EE38001085718'.

    Raises:
        SignInError: the subject is not an Estonian personal code subject.
    """
    if not subject.startswith("EE") or not subject[2:].isdigit():
        raise SignInError("the sign-in service named a person who is not in Estonia's register")
    return subject[2:]


class OidcClient:
    def __init__(self, config: OidcConfig) -> None:
        self.config = config
        self._keys: dict[str, dict[str, Any]] = {}
        self._lock = asyncio.Lock()

    def _http(self) -> httpx.AsyncClient:
        # Sign-ins are rare: a client (and its connections) per call, closed after it.
        return httpx.AsyncClient(timeout=self.config.timeout_seconds)

    def authorization_url(self, *, state: str, nonce: str) -> str:
        """Where to send the browser to sign in."""
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.config.client_id,
                "redirect_uri": self.config.redirect_uri,
                "scope": self.config.scope,
                "state": state,
                "nonce": nonce,
            }
        )
        return f"{self.config.authorization_endpoint}?{query}"

    async def exchange(self, code: str) -> str:
        """The ID token for an authorization code.

        Raises:
            SignInError: the token endpoint refused the code or could not be reached.
        """
        try:
            async with self._http() as http:
                response = await http.post(
                    self.config.token_endpoint,
                    data={
                        "grant_type": "authorization_code",
                        "code": code,
                        "redirect_uri": self.config.redirect_uri,
                    },
                    auth=(self.config.client_id, self.config.client_secret),
                )
        except httpx.HTTPError:
            raise SignInError("the sign-in service could not be reached") from None
        if response.status_code != 200:
            raise SignInError("the sign-in service refused the authorization code")
        id_token = response.json().get("id_token")
        if not isinstance(id_token, str):
            raise SignInError("the sign-in service sent no ID token")
        return id_token

    async def _key(self, kid: str) -> dict[str, Any]:
        if kid not in self._keys:
            async with self._lock:
                if kid not in self._keys:
                    await self._refresh_keys()
        key = self._keys.get(kid)
        if key is None:
            raise SignInError(
                "the ID token was signed by a key the sign-in service does not publish"
            )
        return key

    async def _refresh_keys(self) -> None:
        try:
            async with self._http() as http:
                response = await http.get(self.config.jwks_uri)
            response.raise_for_status()
            published = response.json().get("keys", [])
        except (httpx.HTTPError, ValueError):
            raise SignInError("the sign-in service's keys could not be fetched") from None
        self._keys = {key["kid"]: key for key in published if "kid" in key}

    async def verify_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """The verified claims of an ID token issued for this sign-in.

        Raises:
            SignInError: bad signature, unknown key, wrong `alg`, `iss` or `aud`, expired, or
                a `nonce` other than this sign-in's.
        """
        try:
            header = jwt.get_unverified_header(id_token)
        except JWTError:
            raise SignInError("the ID token is malformed") from None
        if header.get("alg") != self.config.algorithm:
            raise SignInError(f"the ID token must be signed with {self.config.algorithm}")
        key = await self._key(str(header.get("kid")))
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key,
                algorithms=[self.config.algorithm],
                audience=self.config.client_id,
                issuer=self.config.issuer,
                options={
                    "require_exp": True,
                    "require_iat": True,
                    "require_aud": True,
                    "require_iss": True,
                    "require_sub": True,
                    "verify_at_hash": False,
                },
            )
        except ExpiredSignatureError:
            raise SignInError("the ID token has expired") from None
        except JWTClaimsError as error:
            raise SignInError(f"the ID token was refused: {error}") from None
        except JWTError:
            raise SignInError("the ID token signature is not valid") from None
        if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise SignInError("the ID token does not belong to this sign-in (nonce)")
        return claims
