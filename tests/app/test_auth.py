"""Token attacks: each is refused with a 401 and a clear message; a good token works."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jose import jwt

from models.enums import Role
from tests.factories import create_school, create_user

ME = "{ me { person { firstName } activeRole { role } } }"


def _claims(app: Any, person_id: int, **overrides: Any) -> dict[str, Any]:
    settings = app.state.settings
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(person_id),
        "role": "SCHOOL",
        "org": None,
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not ...}


def _sign(app: Any, claims: dict[str, Any]) -> str:
    keys = app.state.keys
    return jwt.encode(
        claims, keys.signing_key, algorithm="ES256", headers={"kid": keys.signing_kid}
    )


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.fixture
async def school_user(api):  # type: ignore[no-untyped-def]
    school = await create_school()
    person = await create_user(Role.SCHOOL, school)
    return person, school


async def _refused(api: Any, token: str, reason: str) -> None:
    response = await api.post(ME, token=token)
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert reason in body["errors"][0]["message"]
    assert "data" not in body


async def test_a_valid_token_names_the_person_and_role(api, school_user):
    person, school = school_user
    token = _sign(api.app, _claims(api.app, person.id, org=school.id))

    result = await api.query(ME, token=token)

    assert result["data"]["me"]["person"]["firstName"] == person.first_name
    assert result["data"]["me"]["activeRole"]["role"] == "SCHOOL"


async def test_alg_none_is_refused(api, school_user):
    person, school = school_user
    header = {"alg": "none", "typ": "JWT", "kid": api.app.state.keys.signing_kid}
    token = f"{_b64(header)}.{_b64(_claims(api.app, person.id, org=school.id))}."

    await _refused(api, token, "must be signed with ES256")


async def test_hs256_signed_with_the_public_key_is_refused(api, school_user):
    person, school = school_user
    public_pem = (
        serialization.load_pem_private_key(api.app.state.keys.signing_key.encode(), None)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    # python-jose will not sign this itself, so the attacker's token is made by hand.
    header = {"alg": "HS256", "typ": "JWT", "kid": api.app.state.keys.signing_kid}
    signing_input = f"{_b64(header)}.{_b64(_claims(api.app, person.id, org=school.id))}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"

    await _refused(api, token, "must be signed with ES256")


async def test_a_token_signed_by_another_key_is_refused(api, school_user):
    person, school = school_user
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    claims = _claims(api.app, person.id, org=school.id)
    # Pretending to be our key: same kid, other private key.
    forged = jwt.encode(
        claims, other.decode(), algorithm="ES256", headers={"kid": api.app.state.keys.signing_kid}
    )
    unknown = jwt.encode(claims, other.decode(), algorithm="ES256", headers={"kid": "other"})

    await _refused(api, forged, "signature is not valid")
    await _refused(api, unknown, "unknown key")


async def test_an_expired_token_is_refused(api, school_user):
    person, school = school_user
    token = _sign(api.app, _claims(api.app, person.id, org=school.id, exp=int(time.time()) - 5))

    await _refused(api, token, "expired")


@pytest.mark.parametrize(
    ("claim", "value", "reason"),
    [
        ("aud", "another-api", "audience"),
        ("iss", "somebody-else", "issuer"),
        ("exp", ..., "exp"),
        ("aud", ..., "aud"),
        ("iss", ..., "iss"),
    ],
)
async def test_wrong_or_missing_claims_are_refused(api, school_user, claim, value, reason):
    person, school = school_user
    token = _sign(api.app, _claims(api.app, person.id, org=school.id, **{claim: value}))

    response = await api.post(ME, token=token)

    assert response.status_code == 401
    assert reason in response.json()["errors"][0]["message"].lower()


async def test_a_role_the_person_does_not_hold_is_refused(api, school_user):
    person, school = school_user
    admin_claims = _claims(api.app, person.id, role="REGISTRY_ADMIN", org=None)
    other_school = await create_school()
    foreign_claims = _claims(api.app, person.id, org=other_school.id)

    await _refused(api, _sign(api.app, admin_claims), "does not hold the role")
    await _refused(api, _sign(api.app, foreign_claims), "does not hold the role")


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not.a.jwt", "token"])
async def test_malformed_authorization_headers_are_refused(api, header):
    response = await api.http.post(
        "/graphql", json={"query": ME}, headers={"Authorization": header}
    )

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_no_token_is_the_public_view(api):
    result = await api.query(ME)

    assert result == {"data": {"me": None}, "extensions": result["extensions"]}


ROLE_SELECT = """
mutation ($role: Role!, $organisation: ID) {
  roleSelect(role: $role, organisation: $organisation) {
    token
    me { activeRole { role organisation { name } } }
    userErrors { field message code }
  }
}
"""


async def test_role_select_gives_a_token_for_another_role_the_person_holds(api):
    from models.person import RoleAssignment
    from schema.node import to_global_id
    from tests.factories import create_awarding_body

    school = await create_school()
    body = await create_awarding_body(name="BCS Koolitus")
    person = await create_user(Role.SCHOOL, school)
    await RoleAssignment.create(person=person, role=Role.AWARDING_BODY, organisation=body)

    result = await api.query(
        ROLE_SELECT,
        {"role": "AWARDING_BODY", "organisation": to_global_id("AwardingBody", body.id)},
        as_=(person, Role.SCHOOL),
    )
    payload = result["data"]["roleSelect"]
    assert payload["userErrors"] == []
    assert payload["me"]["activeRole"] == {
        "role": "AWARDING_BODY",
        "organisation": {"name": "BCS Koolitus"},
    }
    me = await api.query(ME, token=payload["token"])
    assert me["data"]["me"]["activeRole"]["role"] == "AWARDING_BODY"


async def test_role_select_refuses_a_role_not_held(api, school_user):
    person, _ = school_user

    result = await api.query(ROLE_SELECT, {"role": "REGISTRY_ADMIN"}, as_=(person, Role.SCHOOL))

    payload = result["data"]["roleSelect"]
    assert payload["token"] is None
    assert payload["userErrors"][0]["code"] == "FORBIDDEN"
