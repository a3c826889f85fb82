"""A revoked, suspended or unverifiable certificate signs nothing, and changes nothing.

The check runs at signing start and again before the signature is embedded (ID-card), and
before a server-held key signs (development). The test app answers OCSP in-process for the
development PKI (`signing.revocation.DevelopmentOcsp`); another app asks a responder that
does not answer.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from models.enums import Role
from models.person import Person
from models.protocol import ProtocolDocument, Signature, SigningSession
from signing.pki import Credentials, DevelopmentPki
from signing.tsa_server import free_port
from tests.client import Api
from tests.protocol.conftest import HeldExam
from tests.protocol.test_device_signing import complete, start
from tests.protocol.test_signing_flow import PROTOCOL_SIGN, commission_pk, create_assessment
from tests.signing.test_external import device_sign


@pytest.fixture
def revoked(test_pki: DevelopmentPki) -> Iterator[list[Credentials]]:
    """Revoke what a test puts in here; lifted afterwards, as the PKI is the session's."""
    taken: list[Credentials] = []
    yield taken
    for credentials in taken:
        test_pki.release(credentials.certificate_pem)


def keys(pki: DevelopmentPki, person) -> Credentials:  # type: ignore[no-untyped-def]
    return pki.person(person.personal_code, person.first_name, person.last_name)


@dataclass(frozen=True)
class DrawnUp:
    """An assessment protocol waiting for its first signature, and who signs first."""

    protocol_id: str
    pk: int
    member: Person
    credentials: Credentials
    before: bytes


async def drawn_up(api, held: HeldExam, pki: DevelopmentPki) -> DrawnUp:  # type: ignore[no-untyped-def]
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    pk = commission_pk(protocol["id"])
    member = held.committees[group.id][0]
    before = (await ProtocolDocument.get(protocol_id=pk)).content
    return DrawnUp(protocol["id"], pk, member, keys(pki, member), before)


async def nothing_changed(pk: int, before: bytes) -> None:
    assert (await ProtocolDocument.get(protocol_id=pk)).content == before
    assert not await Signature.filter(protocol_id=pk).exists()


@pytest.mark.parametrize(
    ("reason", "words"), [("key_compromise", "tühistatud"), ("certificate_hold", "peatatud")]
)
async def test_signing_start_refuses_a_revoked_or_suspended_certificate(  # type: ignore[no-untyped-def]
    api, held: HeldExam, test_pki, revoked, reason, words
):
    given = await drawn_up(api, held, test_pki)
    test_pki.revoke(given.credentials.certificate_pem, reason)
    revoked.append(given.credentials)

    started = await start(api, given.protocol_id, given.member, given.credentials)

    assert started["sessionId"] is None
    (error,) = started["userErrors"]
    assert error["code"] == "CERTIFICATE_REVOKED"
    assert error["field"] == ["certificate"]
    assert words in error["message"]
    assert not await SigningSession.filter(protocol_id=given.pk).exists()
    await nothing_changed(given.pk, given.before)


async def test_a_certificate_suspended_before_completion_is_not_embedded(  # type: ignore[no-untyped-def]
    api, held: HeldExam, test_pki, revoked
):
    given = await drawn_up(api, held, test_pki)
    started = await start(api, given.protocol_id, given.member, given.credentials)
    assert started["userErrors"] == []
    signature = device_sign(
        given.credentials, base64.b64decode(started["hash"]), started["hashFunction"], "ecdsa-raw"
    )
    # when the card is suspended while its holder types the PIN
    test_pki.revoke(given.credentials.certificate_pem, "certificate_hold")
    revoked.append(given.credentials)

    done = await complete(api, started["sessionId"], signature, given.member)

    assert done["protocol"] is None
    assert [e["code"] for e in done["userErrors"]] == ["CERTIFICATE_REVOKED"]
    await nothing_changed(given.pk, given.before)
    session = await SigningSession.get(session_key=started["sessionId"])
    assert session.completed_at is None
    # and once the suspension is lifted the same session completes
    test_pki.release(given.credentials.certificate_pem)
    done = await complete(api, started["sessionId"], signature, given.member)
    assert done["userErrors"] == []
    assert await Signature.filter(protocol_id=given.pk).count() == 1


async def test_a_server_held_key_that_is_revoked_signs_nothing(  # type: ignore[no-untyped-def]
    api, held: HeldExam, test_pki, revoked
):
    given = await drawn_up(api, held, test_pki)
    test_pki.revoke(given.credentials.certificate_pem)
    revoked.append(given.credentials)

    data = await api.query(
        PROTOCOL_SIGN, {"protocol": given.protocol_id}, as_=(given.member, Role.ASSESSOR)
    )

    payload = data["data"]["protocolSign"]
    assert payload["protocol"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["CERTIFICATE_REVOKED"]
    await nothing_changed(given.pk, given.before)


@pytest.fixture
async def silent_responder_api(app, empty_db):  # type: ignore[no-untyped-def]
    """The test app's settings, but OCSP asked of a responder that does not answer."""
    from dataclasses import replace

    from app.asgi import create_app

    settings = replace(
        app.state.settings, ocsp_url=f"http://127.0.0.1:{free_port()}/ocsp", ocsp_timeout_seconds=2
    )
    client = Api(create_app(settings, migrate=False, demo=False))
    yield client
    await client.http.aclose()


async def test_no_answer_from_the_responder_refuses_signing(  # type: ignore[no-untyped-def]
    api, silent_responder_api, held: HeldExam, test_pki
):
    given = await drawn_up(api, held, test_pki)

    started = await start(silent_responder_api, given.protocol_id, given.member, given.credentials)
    data = await silent_responder_api.query(
        PROTOCOL_SIGN, {"protocol": given.protocol_id}, as_=(given.member, Role.ASSESSOR)
    )

    assert [e["code"] for e in started["userErrors"]] == ["REVOCATION_UNAVAILABLE"]
    assert [e["code"] for e in data["data"]["protocolSign"]["userErrors"]] == [
        "REVOCATION_UNAVAILABLE"
    ]
    assert not await SigningSession.filter(protocol_id=given.pk).exists()
    await nothing_changed(given.pk, given.before)
