"""Sign-in through a real OpenID Connect provider on loopback, and every way it is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from app.asgi import create_app
from app.auth import verify_token
from app.settings import Settings
from integrations.oidc import OidcConfig
from models.enums import Role
from models.person import LoginAttempt, Person
from tests.factories import create_school, create_user
from tests.integrations.oidc_provider import Provider, serve


@pytest.fixture
async def provider() -> AsyncIterator[Provider]:
    running = Provider()
    server, task = await serve(running)
    yield running
    server.should_exit = True
    await task


@pytest.fixture
async def site(
    provider: Provider, database_url: str, empty_db: str, tmp_path, test_pki
) -> AsyncIterator[Any]:  # type: ignore[no-untyped-def]
    settings = Settings(
        database_url=database_url,
        jwt_private_key_file=tmp_path / "jwt.pem",
        pki_dir=test_pki.directory,
        oidc=OidcConfig(
            issuer=provider.issuer,
            authorization_endpoint=f"{provider.base_url}/authorize",
            token_endpoint=f"{provider.base_url}/token",
            jwks_uri=f"{provider.base_url}/jwks",
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            redirect_uri="http://testserver/auth/callback",
        ),
    )
    app = create_app(settings, migrate=False, demo=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client


async def _to_provider(site: Any) -> tuple[str, str]:
    """Start a sign-in: our redirect to the provider, and the provider's answer (the
    callback URL with code and state)."""
    started = await site.get("/auth/login")
    assert started.status_code == 302
    async with httpx.AsyncClient() as browser:
        answered = await browser.get(started.headers["location"])
    assert answered.status_code == 302
    return started.headers["location"], answered.headers["location"]


def _path(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.path}?{parsed.query}"


async def test_a_person_with_a_role_signs_in_and_gets_a_token_for_their_first_role(site):
    school = await create_school(name="Tartu Kutsehariduskeskus")
    person = await create_user(
        Role.SCHOOL, school, personal_code="38001085718", first_name="Jüri", last_name="Mänd"
    )
    authorize, callback = await _to_provider(site)

    answer = await site.get(_path(callback))

    assert answer.status_code == 200, answer.text
    body = answer.json()
    claims = verify_token(site.app.state.keys, site.app.state.settings, body["access_token"])
    assert (claims.person_id, claims.role, claims.organisation_id) == (
        person.id,
        Role.SCHOOL,
        school.id,
    )
    assert body["roles"] == [{"role": "SCHOOL", "organisation": "Tartu Kutsehariduskeskus"}]
    query = parse_qs(urlparse(authorize).query)
    assert set(query) == {"response_type", "client_id", "redirect_uri", "scope", "state", "nonce"}
    assert query["state"] != query["nonce"]


async def test_a_state_from_another_browser_is_refused(site):
    await create_user(Role.SCHOOL, await create_school(), personal_code="38001085718")
    _, callback = await _to_provider(site)
    site.cookies.set("eh_sign_in", "someone-elses-state", path="/auth")

    answer = await site.get(_path(callback))

    assert answer.status_code == 400
    assert "state does not match" in answer.json()["error"]
    assert await LoginAttempt.filter(used_at__isnull=False).count() == 0


async def test_a_replayed_callback_is_refused(site):
    await create_user(Role.SCHOOL, await create_school(), personal_code="38001085718")
    _, callback = await _to_provider(site)
    first = await site.get(_path(callback))
    site.cookies.set("eh_sign_in", parse_qs(urlparse(callback).query)["state"][0], path="/auth")

    again = await site.get(_path(callback))

    assert first.status_code == 200
    assert again.status_code == 400
    assert "already used" in again.json()["error"]


async def test_an_id_token_with_another_sign_ins_nonce_is_refused(site, provider):
    await create_user(Role.SCHOOL, await create_school(), personal_code="38001085718")
    _, callback = await _to_provider(site)
    code = parse_qs(urlparse(callback).query)["code"][0]
    provider.codes[code]["nonce"] = "the nonce of an earlier sign-in"  # a replayed ID token

    answer = await site.get(_path(callback))

    assert answer.status_code == 401
    assert "nonce" in answer.json()["error"]


async def test_a_token_signed_by_another_key_is_refused(site, provider):
    await create_user(Role.SCHOOL, await create_school(), personal_code="38001085718")
    provider.sign_with_unpublished_key = True
    _, callback = await _to_provider(site)

    answer = await site.get(_path(callback))

    assert answer.status_code == 401
    assert "signature is not valid" in answer.json()["error"]


async def test_an_expired_token_is_refused(site, provider):
    await create_user(Role.SCHOOL, await create_school(), personal_code="38001085718")
    provider.token_lifetime = -60
    _, callback = await _to_provider(site)

    answer = await site.get(_path(callback))

    assert answer.status_code == 401
    assert "expired" in answer.json()["error"]


async def test_a_person_with_no_role_gets_their_own_view(site):
    jyri = await Person.create(personal_code="38001085718", first_name="Jüri", last_name="Mänd")
    _, callback = await _to_provider(site)

    answer = await site.get(_path(callback))

    assert answer.status_code == 200
    assert answer.json()["role"] == "PERSONAL"
    assert answer.json()["roles"] == []
    me = await site.post(
        "/graphql",
        json={"query": "{ me { person { firstName } activeRole { role } } }"},
        headers={"Authorization": f"Bearer {answer.json()['access_token']}"},
    )
    assert me.json()["data"]["me"] == {"person": {"firstName": jyri.first_name}, "activeRole": None}


async def test_a_person_unknown_here_is_refused(site):
    _, callback = await _to_provider(site)

    answer = await site.get(_path(callback))

    assert answer.status_code == 403
    assert "no exams, certificates or role" in answer.json()["error"]
    assert "access_token" not in answer.json()


async def test_the_key_set_is_fetched_again_when_the_provider_rotates_its_key(site, provider):
    await create_user(Role.SCHOOL, await create_school(), personal_code="38001085718")
    _, callback = await _to_provider(site)
    assert (await site.get(_path(callback))).status_code == 200
    fetched = provider.jwks_requests
    provider.rotate()
    site.cookies.clear()

    _, callback = await _to_provider(site)
    answer = await site.get(_path(callback))

    assert answer.status_code == 200
    assert provider.jwks_requests == fetched + 1


async def test_sign_in_is_off_when_not_configured(api):
    answer = await api.http.get("/auth/login")

    assert answer.status_code == 503
    assert "eksamihaldus token" in answer.json()["error"]
