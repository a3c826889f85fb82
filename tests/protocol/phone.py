"""Fixtures and helpers for Smart-ID and Mobile-ID signing through the SK simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from integrations.sk.simulator import running_simulator
from models.enums import Role
from models.person import Person
from models.workflow.signing import SigningSetup
from models.workflow.signing_poller import SigningPoller

START = """
mutation($protocol: ID!, $method: SigningDevice, $phone: String) {
  protocolSigningStart(protocol: $protocol, method: $method, phoneNumber: $phone) {
    sessionId hash hashFunction verificationCode
    session { id method status errorCode verificationCode }
    userErrors { code field message }
  }
}"""
STATUS = """
query($id: String!) {
  signingSession(id: $id) { id method status errorCode errorMessage verificationCode completedAt }
}"""
CANCEL = """
mutation($id: String!) {
  protocolSigningCancel(sessionId: $id) {
    session { status errorCode }
    userErrors { code field message }
  }
}"""
PHONE = "+37200000766"


@pytest.fixture(scope="session")
def sk_simulator(test_pki) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The SK simulator in its own process, for the whole session."""
    with running_simulator(test_pki.directory) as url:
        yield url


@pytest.fixture(scope="session")
async def phone_app(tmp_path_factory, database_url, test_pki, tsa_url, sk_simulator):  # type: ignore[no-untyped-def]
    """The app with Smart-ID and Mobile-ID pointed at the simulator."""
    from app.asgi import create_app
    from app.settings import Settings

    keys = tmp_path_factory.mktemp("phone-keys")
    settings = Settings(
        database_url=database_url,
        jwt_private_key_file=keys / "jwt.pem",
        pki_dir=test_pki.directory,
        tsa_url=tsa_url,
        smart_id_url=f"{sk_simulator}/smart-id/v3",
        smart_id_relying_party_uuid="00000000-0000-0000-0000-000000000000",
        smart_id_relying_party_name="DEMO",
        mobile_id_url=f"{sk_simulator}/mid-api",
        mobile_id_relying_party_uuid="00000000-0000-0000-0000-000000000000",
        mobile_id_relying_party_name="DEMO",
        signing_long_poll_ms=1000,
        # The start answers with the verification code here (the bounded wait and the
        # PREPARING answer have their own tests).
        signing_start_wait_ms=60_000,
    )
    app = create_app(settings, migrate=False, demo=False)
    yield app
    for client in (app.state.signing.smart_id, app.state.signing.mobile_id):
        await client.aclose()


@pytest.fixture
async def phone_api(phone_app, empty_db):  # type: ignore[no-untyped-def]
    from tests.client import Api

    client = Api(phone_app)
    yield client
    await client.http.aclose()


@pytest.fixture
def phone_setup(phone_app) -> SigningSetup:  # type: ignore[no-untyped-def]
    return phone_app.state.signing  # type: ignore[no-any-return]


@pytest.fixture
async def sim(sk_simulator: str) -> AsyncIterator[httpx.AsyncClient]:
    """Steering of the simulator, reset before each test."""
    async with httpx.AsyncClient(base_url=sk_simulator) as client:
        await client.post("/_sim/reset")
        await client.put("/_sim/behaviour", json={"confirm": "delay", "delaySeconds": 0.2})
        yield client


async def enrol(sim: httpx.AsyncClient, person: Person, phone: str | None = PHONE) -> None:
    response = await sim.post(
        "/_sim/accounts",
        json={
            "personalCode": person.personal_code,
            "firstName": person.first_name,
            "lastName": person.last_name,
            "phoneNumber": phone,
        },
    )
    response.raise_for_status()


async def behave(sim: httpx.AsyncClient, **behaviour: Any) -> None:
    (await sim.put("/_sim/behaviour", json=behaviour)).raise_for_status()


async def start(api, protocol_id: str, person: Person, method: str, phone: str | None = PHONE):  # type: ignore[no-untyped-def]
    data = await api.query(
        START,
        {"protocol": protocol_id, "method": method, "phone": phone},
        as_=(person, Role.ASSESSOR),
    )
    assert "errors" not in data, data
    return data["data"]["protocolSigningStart"]


async def status(api, session_id: str, person: Person) -> dict[str, Any] | None:  # type: ignore[no-untyped-def]
    data = await api.query(STATUS, {"id": session_id}, as_=(person, Role.ASSESSOR))
    assert "errors" not in data, data
    return data["data"]["signingSession"]  # type: ignore[no-any-return]


def poller(setup: SigningSetup, owner: str = "test") -> SigningPoller:
    return SigningPoller(setup, owner=owner, scan_seconds=0.1)


async def _viewer(person: Person):  # type: ignore[no-untyped-def]
    from models.access import Viewer
    from models.person import RoleAssignment

    assignment = await RoleAssignment.get(person_id=person.id, role=Role.ASSESSOR)
    return Viewer(person.id, Role.ASSESSOR, assignment.organisation_id)
