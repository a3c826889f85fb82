"""Production mode: tokens verified against a published key set; unexpected errors masked."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jose import jwk, jwt

from app.auth import AuthError, load_key_ring, verify_token
from app.graphql import make_schema
from app.settings import Settings
from models.access import Viewer
from models.enums import Role
from resolvers.context import Context
from schema.node import to_global_id


def _pem(key) -> str:  # type: ignore[no-untyped-def]
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _public_jwk(key, kid: str, alg: str) -> dict:  # type: ignore[no-untyped-def]
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {**jwk.construct(public.decode(), alg).to_dict(), "kid": kid, "alg": alg}


@pytest.fixture
def provider(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The state sign-in's side: its signing key, and the key set it publishes."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    keys_file = tmp_path / "jwks.json"
    keys_file.write_text(json.dumps({"keys": [_public_jwk(key, "2026-11", "RS256")]}))
    settings = Settings(
        production=True,
        jwt_algorithm="RS256",
        jwt_public_keys_file=keys_file,
        jwt_private_key_file=tmp_path / "absent.pem",
    )
    return key, settings


def _claims(settings: Settings, **overrides) -> dict:  # type: ignore[no-untyped-def]
    now = int(time.time())
    return {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": "7",
        "role": "SCHOOL",
        "org": 3,
        "iat": now,
        "exp": now + 300,
        **overrides,
    }


def test_a_production_server_verifies_with_the_key_set_and_cannot_sign(provider):
    key, settings = provider
    ring = load_key_ring(settings)
    token = jwt.encode(_claims(settings), _pem(key), algorithm="RS256", headers={"kid": "2026-11"})

    claims = verify_token(ring, settings, token)

    assert (claims.person_id, claims.role, claims.organisation_id) == (7, Role.SCHOOL, 3)
    assert ring.signing_key is None
    assert not settings.jwt_private_key_file.exists()  # no key is generated in production
    with pytest.raises(AuthError, match="cannot issue tokens"):
        ring.sign(_claims(settings))


def test_a_production_server_refuses_other_algorithms_and_unknown_keys(provider):
    key, settings = provider
    ring = load_key_ring(settings)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    es256 = jwt.encode(
        _claims(settings), _pem(ec_key), algorithm="ES256", headers={"kid": "2026-11"}
    )
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    unknown = jwt.encode(_claims(settings), _pem(other), algorithm="RS256", headers={"kid": "x"})

    with pytest.raises(AuthError, match="must be signed with RS256"):
        verify_token(ring, settings, es256)
    with pytest.raises(AuthError, match="unknown key"):
        verify_token(ring, settings, unknown)


def test_production_requires_a_public_key_set(monkeypatch):
    from app.settings import SettingsError

    monkeypatch.setenv("EH_PRODUCTION", "true")
    monkeypatch.delenv("EH_JWT_PUBLIC_KEYS_FILE", raising=False)

    with pytest.raises(SettingsError, match="EH_JWT_PUBLIC_KEYS_FILE"):
        Settings.from_env()


class _BrokenLoaders:
    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        raise RuntimeError("connection to db.internal:5432 failed, password=hunter2")


async def test_unexpected_errors_are_masked_in_production_and_user_faults_are_not():
    schema = make_schema(True, 12, 2000, 15, 100_000)
    context = Context(
        viewer=Viewer(1, Role.REGISTRY_ADMIN, None),
        settings=Settings(),
        keys=None,  # type: ignore[arg-type]
        loaders=_BrokenLoaders(),  # type: ignore[arg-type]
        # The broken part is a loader: today's path (the compiled one: tests/resolvers).
        compiled_reads=False,
    )

    broken = await schema.execute(
        "query ($id: ID!) { exam(id: $id) { id } }",
        variable_values={"id": to_global_id("Exam", 1)},
        context_value=context,
    )
    fault = await schema.execute('query { exam(id: "not-an-id") { id } }', context_value=context)

    assert [e.message for e in broken.errors] == ["Unexpected error."]
    assert "hunter2" not in json.dumps([e.formatted for e in broken.errors])
    assert fault.errors[0].message == "`id` is not an ID of type Exam"
