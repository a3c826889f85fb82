"""Test database: PostgreSQL or SQLite, chosen by EH_TEST_DATABASE, migrated once per session.

EH_TEST_DATABASE=sqlite (default) uses a temporary file; EH_TEST_DATABASE=postgres creates a
throw-away database on EH_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432) and drops
it at the end. Every test starts from empty tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from app import db

BACKEND = os.environ.get("EH_TEST_DATABASE", "sqlite")
POSTGRES_SERVER = os.environ.get("EH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-examples",
        type=int,
        default=100,
        help="how many operations tests/test_fuzz.py generates (a larger run: 2000)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND == "postgres":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with EH_TEST_DATABASE=postgres")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if BACKEND == "postgres":
        name = f"eh_test_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
        await admin.execute(f'CREATE DATABASE "{name}"')
        # More connections than the concurrency tests' free places, so races are real.
        url = f"{POSTGRES_SERVER}/{name}?maxsize=25"
        try:
            await db.start(url)
            yield url
        finally:
            await db.close()
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    else:
        path: Path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        url = f"sqlite://{path}"
        await db.start(url)
        try:
            yield url
        finally:
            await db.close()


async def _empty_all_tables() -> None:
    await db.empty_all_tables()


@pytest.fixture
async def empty_db(database_url: str) -> AsyncIterator[str]:
    """A migrated database with no rows; emptied again after the test."""
    await _empty_all_tables()
    yield database_url
    await _empty_all_tables()


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The development PKI of the test session: root, signers, e-seal and TSA."""
    from signing.pki import DevelopmentPki

    return DevelopmentPki.create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def tsa_url(test_pki):  # type: ignore[no-untyped-def]
    """A certomancer timestamp authority on loopback, for the whole session."""
    from tests.pki import serve_tsa

    yield from serve_tsa(test_pki)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory, database_url: str, test_pki, tsa_url):  # type: ignore[no-untyped-def]
    from app.asgi import create_app
    from app.settings import Settings

    keys = tmp_path_factory.mktemp("keys")
    settings = Settings(
        database_url=database_url,
        jwt_private_key_file=keys / "jwt.pem",
        pki_dir=test_pki.directory,
        tsa_url=tsa_url,
    )
    return create_app(settings, migrate=False, demo=False)


@pytest.fixture
async def api(app, empty_db):  # type: ignore[no-untyped-def]
    from tests.client import Api

    client = Api(app)
    yield client
    await client.http.aclose()
