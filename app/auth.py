"""Access tokens: issuing and verifying JWTs, and turning a token into a Viewer.

Verification pins the algorithm, requires `exp`, `aud`, `iss`, `sub` and `iat`, and looks the
role up in the database on every request, so a withdrawn role stops working at once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jose import jwk, jwt
from jose.exceptions import ExpiredSignatureError, JWTClaimsError, JWTError

from app.settings import Settings
from models.access import PUBLIC, Viewer
from models.enums import Role
from models.person import Person, RoleAssignment

# The `role` claim of a token for the person's own view (no granted role needed).
PERSONAL_VIEW = "PERSONAL"


class AuthError(Exception):
    """A token was refused; the message says why and is safe to show."""


@dataclass(frozen=True)
class TokenClaims:
    """`role` is None for the personal view: the person acting for themselves (an examinee)."""

    person_id: int
    role: Role | None
    organisation_id: int | None
    # `exp` (seconds since the epoch): a live-update socket closes then.
    expires_at: int | None = None


@dataclass(frozen=True)
class KeyRing:
    """The signing key (absent where this process only verifies) and the verification keys."""

    algorithm: str
    signing_key: str | None
    signing_kid: str | None
    verification_keys: dict[str, dict[str, Any]]

    def sign(self, claims: dict[str, Any]) -> str:
        if self.signing_key is None:
            raise AuthError("this server has no signing key and cannot issue tokens")
        return jwt.encode(
            claims, self.signing_key, algorithm=self.algorithm, headers={"kid": self.signing_kid}
        )

    def decode(
        self, token: str, settings: Settings, *, audience: str | None = None
    ) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except JWTError:
            raise AuthError("the access token is malformed") from None
        if header.get("alg") != self.algorithm:
            raise AuthError(f"the access token must be signed with {self.algorithm}")
        kid = header.get("kid")
        key = self.verification_keys.get(kid) if kid else None
        if key is None:
            raise AuthError("the access token was signed by an unknown key")
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[self.algorithm],
                audience=audience or settings.jwt_audience,
                issuer=settings.jwt_issuer,
                options={
                    "require_exp": True,
                    "require_aud": True,
                    "require_iss": True,
                    "require_iat": True,
                    "require_sub": True,
                    "leeway": 0,
                },
            )
        except ExpiredSignatureError:
            raise AuthError("the access token has expired") from None
        except JWTClaimsError as error:
            raise AuthError(f"the access token was refused: {error}") from None
        except JWTError as error:
            if "missing required" in str(error):
                raise AuthError(f"the access token was refused: {error}") from None
            raise AuthError("the access token signature is not valid") from None


def _kid(public_pem: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(public_pem).digest()[:12]).decode().rstrip("=")


def _generate_private_key(path: Path, algorithm: str) -> None:
    """Write a new key to `path` unless one is there. The key is written to a temporary file
    and linked into place, so a process starting at the same moment reads either no file or
    a whole one, never a half-written one."""
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    if algorithm == "ES256":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:  # mkstemp's file is readable by its owner only
            handle.write(pem)
        os.link(temporary, path)  # fails if another process linked its key first
    finally:
        os.unlink(temporary)


def load_key_ring(settings: Settings, *, create: bool = True) -> KeyRing:
    """Keys from settings: a private key file (generated on a first development run) and,
    in production, a JSON Web Key Set of public keys to verify with. A key file that cannot
    be read is an AuthError naming its setting (never its content)."""
    private_path = settings.jwt_private_key_file
    signing_key = signing_kid = None
    keys: dict[str, dict[str, Any]] = {}
    if not private_path.exists() and create and not settings.production:
        try:
            _generate_private_key(private_path, settings.jwt_algorithm)
        except FileExistsError:
            pass  # another process generated it first
    if private_path.exists():
        try:
            signing_key = private_path.read_text()
            private = serialization.load_pem_private_key(signing_key.encode(), password=None)
        except (OSError, ValueError, TypeError, UnicodeDecodeError):
            raise AuthError(
                "EH_JWT_PRIVATE_KEY_FILE must name a readable, unencrypted PEM private key"
            ) from None
        public_pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        signing_kid = _kid(public_pem)
        keys[signing_kid] = jwk.construct(public_pem.decode(), settings.jwt_algorithm).to_dict()
    if settings.jwt_public_keys_file is not None:
        try:
            jwks = json.loads(settings.jwt_public_keys_file.read_text())
            entries = jwks.get("keys", [])
        except (OSError, ValueError, AttributeError):
            raise AuthError(
                "EH_JWT_PUBLIC_KEYS_FILE must name a readable JSON Web Key Set"
            ) from None
        for entry in entries:
            if entry.get("alg", settings.jwt_algorithm) != settings.jwt_algorithm:
                continue
            if "kid" not in entry:
                raise AuthError("every key in the public key set needs a kid")
            keys[entry["kid"]] = entry
    if not keys:
        raise AuthError("no token verification keys are configured")
    return KeyRing(settings.jwt_algorithm, signing_key, signing_kid, keys)


def issue_token(
    ring: KeyRing,
    settings: Settings,
    *,
    person_id: int,
    role: Role | None,
    organisation_id: int | None,
) -> str:
    """A token for `role`, or with role None for the person's own (examinee) view."""
    now = int(time.time())
    return ring.sign(
        {
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            "sub": str(person_id),
            "role": role.value if role is not None else PERSONAL_VIEW,
            "org": organisation_id,
            "iat": now,
            "nbf": now,
            "exp": now + settings.jwt_ttl_seconds,
            "jti": uuid.uuid4().hex,
        }
    )


def verify_token(ring: KeyRing, settings: Settings, token: str) -> TokenClaims:
    return verify_claims(ring.decode(token, settings))


def verify_claims(claims: dict[str, Any]) -> TokenClaims:
    """The person and role of a token whose signature and times were checked."""
    try:
        person_id = int(claims["sub"])
        role = None if claims["role"] == PERSONAL_VIEW else Role(claims["role"])
        organisation_id = claims.get("org")
        if organisation_id is not None:
            organisation_id = int(organisation_id)
        if role is None and organisation_id is not None:
            raise ValueError("the personal view is held in no organisation")
        expires_at = int(claims["exp"])
    except (KeyError, ValueError, TypeError):
        raise AuthError("the access token does not name a person and a role") from None
    return TokenClaims(person_id, role, organisation_id, expires_at)


async def viewer_for(claims: TokenClaims) -> Viewer:
    """The viewer a verified token stands for, if the person still holds that role (every
    person holds their own personal view)."""
    if claims.role is None:
        if not await Person.filter(id=claims.person_id).exists():
            raise AuthError("the person named in the access token is not known")
        return Viewer(claims.person_id, None, None)
    held = await RoleAssignment.filter(
        person_id=claims.person_id, role=claims.role, organisation_id=claims.organisation_id
    ).exists()
    if not held:
        raise AuthError("the person does not hold the role named in the access token")
    return Viewer(claims.person_id, claims.role, claims.organisation_id)


def claims_from_header(ring: KeyRing, settings: Settings, header: str) -> TokenClaims:
    """The verified claims of a `Bearer <token>` value."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("the Authorization header must be 'Bearer <token>'")
    return verify_token(ring, settings, token.strip())


async def viewer_from_header(ring: KeyRing, settings: Settings, header: str | None) -> Viewer:
    if not header:
        return PUBLIC
    return await viewer_for(claims_from_header(ring, settings, header))


async def signed_in_viewer(ring: KeyRing, settings: Settings, header: str | None) -> Viewer | None:
    """For plain HTTP endpoints (downloads, reports): the signed-in viewer, or None when there
    is no token, a refused one, or no role (the personal view downloads nothing here)."""
    try:
        viewer = await viewer_from_header(ring, settings, header)
    except AuthError:
        return None
    return viewer if viewer.role is not None else None
