"""Browsers on the configured origins may call the API: preflights are answered, other
origins get no CORS headers, and the same rule decides who may open a live-update socket."""

from __future__ import annotations

import pytest

from app.cors import OriginPolicy
from app.settings import Settings, SettingsError, cors_origins_from_env

PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


def test_the_development_default_allows_localhost_on_any_port_only(monkeypatch):
    monkeypatch.delenv("EH_CORS_ORIGINS", raising=False)
    policy = OriginPolicy(Settings.from_env().cors_origins)
    assert policy.allows("http://localhost:5173")
    assert policy.allows("http://localhost:3000")
    assert policy.allows("http://localhost")
    assert not policy.allows("https://localhost:5173")
    assert not policy.allows("http://localhost.evil.example")
    assert not policy.allows("http://localhost:5173.evil.example")
    assert not policy.allows("http://evil.example")


def test_production_allows_no_origin_unless_configured(monkeypatch):
    monkeypatch.delenv("EH_CORS_ORIGINS", raising=False)
    assert cors_origins_from_env(production=True) == ()
    monkeypatch.setenv("EH_CORS_ORIGINS", "https://eksam.example.ee")
    assert cors_origins_from_env(production=True) == ("https://eksam.example.ee",)


def test_configured_origins_replace_the_default(monkeypatch):
    monkeypatch.setenv("EH_CORS_ORIGINS", "https://eksam.example.ee, http://127.0.0.1:*")
    policy = OriginPolicy(Settings.from_env().cors_origins)
    assert policy.allows("https://eksam.example.ee")
    assert policy.allows("http://127.0.0.1:8080")
    assert not policy.allows("http://localhost:5173")
    assert not policy.allows("https://eksam.example.ee:8443")


@pytest.mark.parametrize(
    "value",
    ["eksam.example.ee", "https://eksam.example.ee/app", "ftp://eksam.example.ee", "http://x:*1"],
)
def test_a_malformed_origin_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("EH_CORS_ORIGINS", value)
    with pytest.raises(SettingsError, match="EH_CORS_ORIGINS"):
        Settings.from_env()


async def test_a_preflight_from_an_allowed_origin_is_answered(api):
    response = await api.http.options(
        "/graphql", headers={"Origin": "http://localhost:5173", **PREFLIGHT}
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed
    assert "content-type" in allowed
    # no credentials mode: tokens never travel in cookies
    assert "access-control-allow-credentials" not in response.headers


async def test_a_preflight_from_another_origin_gets_no_permission(api):
    response = await api.http.options(
        "/graphql", headers={"Origin": "https://evil.example", **PREFLIGHT}
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_an_allowed_origins_query_carries_the_cors_header(api):
    response = await api.http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "http://localhost:8080"}
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}
    assert response.headers["access-control-allow-origin"] == "http://localhost:8080"
    other = await api.http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in other.headers
