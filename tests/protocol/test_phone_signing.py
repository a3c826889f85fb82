"""Signing with Smart-ID and Mobile-ID through the SK simulator, end to end: start returns
the verification code at once, the background poller follows the phone, the signature is
verified and embedded as any device signature and checked by pdfsig and openssl. Every
failure ends the session with its code and leaves the document as it was."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt

import pytest

from integrations.sk.common import mobile_id_verification_code
from models.enums import SignatureMethod, SigningSessionStatus
from models.events import Event, Topic
from models.protocol import ProtocolDocument, Signature, SigningSession
from signing.verify import verify_document
from tests.protocol.conftest import HeldExam
from tests.protocol.phone import CANCEL, PHONE, behave, enrol, poller, start, status
from tests.protocol.test_signing_flow import commission_pk, create_assessment
from tests.signing.validators import (
    assert_openssl_cms_valid,
    assert_pdfsig_valid,
    make_nss_db,
)


async def _protocol(api, held: HeldExam):  # type: ignore[no-untyped-def]
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    return protocol, held.committees[group.id][0]


@pytest.mark.parametrize("method", ["SMART_ID", "MOBILE_ID"])
async def test_a_phone_signature_is_embedded_and_independently_valid(
    phone_api, held: HeldExam, sim, phone_setup, test_pki, tmp_path, method, heard
):
    protocol, member = await _protocol(phone_api, held)
    await enrol(sim, member)
    events: list[Event] = heard
    started = await start(phone_api, protocol["id"], member, method)
    assert started["userErrors"] == []
    code = started["verificationCode"]
    assert len(code) == 4
    assert code.isdigit()
    if method == "MOBILE_ID":  # computed from the hash; Smart-ID's is SK's random one
        assert code == mobile_id_verification_code(base64.b64decode(started["hash"]))
    assert started["session"]["status"] == "WAITING"
    # the phone shows the same code
    shown = (await sim.get("/_sim/sessions")).json()
    assert [s["verificationCode"] for s in shown] == [code]

    await poller(phone_setup).until_idle()
    await asyncio.sleep(0.3)  # notifications cross a socket on PostgreSQL

    ended = await status(phone_api, started["sessionId"], member)
    assert ended is not None
    assert ended["status"] == "SIGNED"
    assert ended["errorCode"] is None
    signature = await Signature.get(protocol_id=commission_pk(protocol["id"]))
    assert signature.method.value == method
    pdf = (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content
    nss = make_nss_db(tmp_path / "nss", test_pki.root_certificate_pem)
    # the first of the protocol's signers: B-LT, its validation data appended after it
    assert_pdfsig_valid(pdf, nss, expected_signatures=1, last_covers_all=False)
    assert_openssl_cms_valid(pdf, test_pki.root_certificate_pem, expected_signatures=1)
    report = await verify_document(pdf, trust_roots=(test_pki.root_certificate_pem,))
    assert report.level == "B-LT"
    [checked] = report.signatures
    assert checked.intact
    assert checked.trusted
    assert checked.signer_personal_code == member.personal_code
    # every status change was published, with no personal detail
    mine = [e for e in events if e.topic is Topic.SIGNING_SESSION]
    assert [e.data for e in mine] == [
        {"status": "PREPARING", "code": None},
        {"status": "WAITING", "code": None},
        {"status": "SIGNED", "code": None},
    ]
    assert all(e.kind == "session.status" and e.exam_id == held.exam.id for e in mine)
    assert member.personal_code not in "".join(e.encode() for e in mine)


async def _ended_with(*codes: str) -> None:
    """The sessions kept were ended FAILED, each with its code, in order; none goes on."""
    kept = await SigningSession.all().order_by("id")
    assert [(s.status, s.error_code) for s in kept] == [
        (SigningSessionStatus.FAILED, code) for code in codes
    ]


async def _unchanged(protocol_id: str, before: bytes) -> None:
    assert (await ProtocolDocument.get(protocol_id=commission_pk(protocol_id))).content == before
    assert not await Signature.filter(protocol_id=commission_pk(protocol_id)).exists()


@pytest.mark.parametrize(
    ("method", "behaviour", "code"),
    [
        ("SMART_ID", {"startStatus": 401}, "SIGNING_SERVICE_UNAUTHORIZED"),
        ("SMART_ID", {"startStatus": 403}, "SIGNING_SERVICE_UNAUTHORIZED"),
        ("SMART_ID", {"startStatus": 404}, "SIGNING_ACCOUNT_NOT_FOUND"),
        ("SMART_ID", {"startStatus": 471}, "SMART_ID_NO_QUALIFIED_ACCOUNT"),
        ("SMART_ID", {"noSuitableAccount": True}, "SMART_ID_NO_QUALIFIED_ACCOUNT"),
        ("SMART_ID", {"certificateChoiceEndResult": "USER_REFUSED_CERT_CHOICE"},
         "SIGNING_REFUSED"),
        ("SMART_ID", {"startStatus": 472}, "SMART_ID_ACCOUNT_ACTION_NEEDED"),
        ("SMART_ID", {"startStatus": 480}, "SIGNING_CLIENT_OUTDATED"),
        ("SMART_ID", {"startStatus": 580}, "SIGNING_SERVICE_MAINTENANCE"),
        ("SMART_ID", {"otherCertificate": True}, "CERTIFICATE_NOT_SIGNERS"),
        ("MOBILE_ID", {"startStatus": 401}, "SIGNING_SERVICE_UNAUTHORIZED"),
        ("MOBILE_ID", {"startStatus": 500}, "SIGNING_SERVICE_UNAVAILABLE"),
        ("MOBILE_ID", {"otherCertificate": True}, "CERTIFICATE_NOT_SIGNERS"),
    ],
)  # fmt: skip
async def test_refused_at_start_nothing_is_kept(
    phone_api, held: HeldExam, sim, method, behaviour, code
):
    protocol, member = await _protocol(phone_api, held)
    before = (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content
    await enrol(sim, member)
    await behave(sim, **behaviour)

    started = await start(phone_api, protocol["id"], member, method)

    assert started["sessionId"] is None
    assert [e["code"] for e in started["userErrors"]] == [code]
    assert " / " in started["userErrors"][0]["message"]  # Estonian / English
    await _ended_with(code)
    await _unchanged(protocol["id"], before)


async def test_unknown_accounts_and_bad_phone_numbers(phone_api, held: HeldExam, sim):
    protocol, member = await _protocol(phone_api, held)
    # no Smart-ID account (SK 404), no Mobile-ID (certificate NOT_FOUND)
    for method in ("SMART_ID", "MOBILE_ID"):
        started = await start(phone_api, protocol["id"], member, method)
        assert [e["code"] for e in started["userErrors"]] == ["SIGNING_ACCOUNT_NOT_FOUND"]
    for phone in ("5551234", "+4915112345678", "+372abc", None):
        started = await start(phone_api, protocol["id"], member, "MOBILE_ID", phone)
        assert started["userErrors"][0]["code"] == "INVALID_PHONE_NUMBER"
        assert started["userErrors"][0]["field"] == ["phoneNumber"]
    # the unknown accounts' sessions ended with their code; bad numbers never made one
    await _ended_with("SIGNING_ACCOUNT_NOT_FOUND", "SIGNING_ACCOUNT_NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "behaviour", "code"),
    [
        ("SMART_ID", {"endResult": "USER_REFUSED"}, "SIGNING_REFUSED"),
        ("SMART_ID", {"endResult": "TIMEOUT"}, "SIGNING_TIMEOUT"),
        ("SMART_ID", {"endResult": "WRONG_VC"}, "WRONG_VERIFICATION_CODE"),
        ("SMART_ID", {"endResult": "DOCUMENT_UNUSABLE"}, "SMART_ID_DOCUMENT_UNUSABLE"),
        ("SMART_ID", {"endResult": "REQUIRED_INTERACTION_NOT_SUPPORTED_BY_APP"},
         "SMART_ID_APP_UNSUPPORTED"),
        ("SMART_ID", {"endResult": "USER_REFUSED_INTERACTION"}, "SIGNING_REFUSED"),
        ("SMART_ID", {"endResult": "SERVER_ERROR"}, "SIGNING_SERVICE_ERROR"),
        ("SMART_ID", {"malformed": True}, "SIGNING_SERVICE_ERROR"),
        ("SMART_ID", {"badSignature": True}, "SIGNATURE_INVALID"),
        ("MOBILE_ID", {"endResult": "USER_CANCELLED"}, "SIGNING_REFUSED"),
        ("MOBILE_ID", {"endResult": "TIMEOUT"}, "SIGNING_TIMEOUT"),
        ("MOBILE_ID", {"endResult": "NOT_MID_CLIENT"}, "SIGNING_ACCOUNT_NOT_FOUND"),
        ("MOBILE_ID", {"endResult": "PHONE_ABSENT"}, "MOBILE_ID_PHONE_ABSENT"),
        ("MOBILE_ID", {"endResult": "DELIVERY_ERROR"}, "MOBILE_ID_DELIVERY_ERROR"),
        ("MOBILE_ID", {"endResult": "SIM_ERROR"}, "MOBILE_ID_SIM_ERROR"),
        ("MOBILE_ID", {"endResult": "SIGNATURE_HASH_MISMATCH"}, "MOBILE_ID_SIM_ERROR"),
        ("MOBILE_ID", {"malformed": True}, "SIGNING_SERVICE_ERROR"),
        ("MOBILE_ID", {"badSignature": True}, "SIGNATURE_INVALID"),
    ],
)  # fmt: skip
async def test_a_failed_phone_session_ends_with_its_code_and_changes_nothing(
    phone_api, held: HeldExam, sim, phone_setup, method, behaviour, code
):
    protocol, member = await _protocol(phone_api, held)
    before = (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content
    await enrol(sim, member)
    await behave(sim, confirm="delay", delaySeconds=0.1, **behaviour)
    started = await start(phone_api, protocol["id"], member, method)
    assert started["userErrors"] == []

    await poller(phone_setup).until_idle()

    ended = await status(phone_api, started["sessionId"], member)
    assert ended is not None
    assert (ended["status"], ended["errorCode"]) == ("FAILED", code)
    assert " / " in ended["errorMessage"]
    await _unchanged(protocol["id"], before)


async def test_cancel_wins_over_a_later_confirmation(phone_api, held: HeldExam, sim, phone_setup):
    protocol, member = await _protocol(phone_api, held)
    colleague = held.committees[held.groups[0].id][1]
    before = (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content
    await enrol(sim, member)
    await behave(sim, confirm="command")
    started = await start(phone_api, protocol["id"], member, "SMART_ID")
    session_id = started["sessionId"]

    # someone else can neither read nor cancel it
    assert await status(phone_api, session_id, colleague) is None
    stolen = await phone_api.query(CANCEL, {"id": session_id}, as_=(colleague, _role()))
    assert stolen["data"]["protocolSigningCancel"]["userErrors"][0]["code"] == "NOT_FOUND"

    cancelled = await phone_api.query(CANCEL, {"id": session_id}, as_=(member, _role()))
    assert cancelled["data"]["protocolSigningCancel"]["session"]["status"] == "CANCELLED"
    # the phone confirms afterwards: nothing is embedded
    [shown] = (await sim.get("/_sim/sessions")).json()
    await sim.post(f"/_sim/sessions/{shown['id']}/confirm")
    await poller(phone_setup).until_idle()
    ended = await status(phone_api, session_id, member)
    assert ended is not None
    assert ended["status"] == "CANCELLED"
    await _unchanged(protocol["id"], before)
    again = await phone_api.query(CANCEL, {"id": session_id}, as_=(member, _role()))
    assert again["data"]["protocolSigningCancel"]["userErrors"][0]["code"] == "SESSION_FINISHED"


def _role():  # type: ignore[no-untyped-def]
    from models.enums import Role

    return Role.ASSESSOR


async def test_another_process_takes_over_a_session_whose_follower_stopped(
    phone_api, held: HeldExam, sim, phone_setup
):
    protocol, member = await _protocol(phone_api, held)
    await enrol(sim, member)
    await behave(sim, confirm="command")
    started = await start(phone_api, protocol["id"], member, "SMART_ID")
    first, second = poller(phone_setup, "process-a"), poller(phone_setup, "process-b")

    # process A claims the session and then dies without finishing it
    assert await first.claim() != []
    assert await second.claim() == []  # A's lease still holds
    [shown] = (await sim.get("/_sim/sessions")).json()
    await sim.post(f"/_sim/sessions/{shown['id']}/confirm")
    await SigningSession.filter(session_key=started["sessionId"]).update(
        lease_until=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )

    await second.until_idle()

    row = await SigningSession.get(session_key=started["sessionId"])
    assert row.status is SigningSessionStatus.SIGNED
    assert await Signature.filter(protocol_id=commission_pk(protocol["id"])).exists()


async def test_phone_methods_are_off_until_configured(api, held: HeldExam):
    protocol, member = await _protocol(api, held)
    for method, phone in (("SMART_ID", None), ("MOBILE_ID", PHONE)):
        started = await start(api, protocol["id"], member, method, phone)
        assert [e["code"] for e in started["userErrors"]] == ["SIGNING_METHOD_UNAVAILABLE"]


async def test_a_service_that_does_not_answer_in_time(
    phone_api, held: HeldExam, sim, phone_setup, sk_simulator
):
    from integrations.sk.smart_id import SmartIdClient, SmartIdConfig
    from models.workflow.errors import DomainError
    from models.workflow.phone_signing import start_phone_signing
    from models.workflow.signing_poller import SigningPoller
    from tests.protocol.phone import _viewer

    protocol, member = await _protocol(phone_api, held)
    before = (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content
    await enrol(sim, member)
    await behave(sim, confirm="command", hangSeconds=1.5)
    impatient = SmartIdClient(
        SmartIdConfig(
            f"{sk_simulator}/smart-id/v3",
            "00000000-0000-0000-0000-000000000000",
            "DEMO",
            long_poll_ms=1000,
            timeout_seconds=0.5,
        )
    )
    try:
        hurried = dataclasses.replace(phone_setup, smart_id=impatient)
        viewer = await _viewer(member)
        # at start: the certificate choice times out; the session ends with that code
        with pytest.raises(DomainError) as refused:
            await start_phone_signing(
                viewer,
                commission_pk(protocol["id"]),
                SignatureMethod.SMART_ID,
                dataclasses.replace(hurried, phone_start_wait=dt.timedelta(seconds=60)),
            )
        assert refused.value.problems[0].code == "SIGNING_SERVICE_UNAVAILABLE"
        await _ended_with("SIGNING_SERVICE_UNAVAILABLE")
        # while following: timeouts are asked again until the session's time is up
        started = await start(phone_api, protocol["id"], member, "SMART_ID")
        follower = SigningPoller(hurried, owner="impatient", scan_seconds=0.1)
        assert await follower.claim() != []
        await SigningSession.filter(session_key=started["sessionId"]).update(
            expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
        )
        await follower.follow((await SigningSession.get(session_key=started["sessionId"])).id)
    finally:
        await impatient.aclose()
    row = await SigningSession.get(session_key=started["sessionId"])
    assert (row.status, row.error_code) == (SigningSessionStatus.EXPIRED, "SIGNING_TIMEOUT")
    await _unchanged(protocol["id"], before)


async def test_a_certificate_that_is_not_qualified_cannot_sign(api, held: HeldExam, test_pki):
    from tests.protocol.test_device_signing import start as start_with_card

    protocol, member = await _protocol(api, held)
    plain = test_pki.person(
        member.personal_code, member.first_name, member.last_name, qualified=False
    )
    refused = await start_with_card(api, protocol["id"], member, plain)
    assert refused["userErrors"][0]["code"] == "CERTIFICATE_REJECTED"
    assert "kvalifitseeritud" in refused["userErrors"][0]["message"]
    assert not await SigningSession.exists()


async def test_two_processes_never_claim_the_same_session(
    phone_api, held: HeldExam, sim, phone_setup
):
    group = held.groups[0]
    protocol = await create_assessment(phone_api, held, group)
    members = held.committees[group.id]
    await behave(sim, confirm="command")
    for member in members:
        await enrol(sim, member)
        started = await start(phone_api, protocol["id"], member, "SMART_ID")
        assert started["userErrors"] == []
    first, second = poller(phone_setup, "process-a"), poller(phone_setup, "process-b")

    mine, theirs = await asyncio.gather(first.claim(), second.claim())

    assert not set(mine) & set(theirs)
    assert sorted(mine + theirs) == sorted(await SigningSession.all().values_list("id", flat=True))


async def test_a_session_nobody_completed_in_time_expires(
    phone_api, held: HeldExam, phone_setup, test_pki
):
    from tests.protocol.test_device_signing import start as start_with_card

    protocol, member = await _protocol(phone_api, held)
    card = test_pki.person(member.personal_code, member.first_name, member.last_name)
    started = await start_with_card(phone_api, protocol["id"], member, card)
    assert started["userErrors"] == []
    await SigningSession.filter(session_key=started["sessionId"]).update(
        expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    )

    await poller(phone_setup).step()  # the poller ends ID-card sessions too

    row = await SigningSession.get(session_key=started["sessionId"])
    assert (row.status, row.error_code) == (SigningSessionStatus.EXPIRED, "SESSION_EXPIRED")


def _at_once(setup):  # type: ignore[no-untyped-def]
    """The setup of a start that does not wait for the verification code at all."""
    return dataclasses.replace(setup, phone_start_wait=dt.timedelta(0))


async def test_a_start_answers_at_once_and_the_code_follows(
    phone_api, held: HeldExam, sim, phone_setup, heard
):
    from models.workflow.phone_sessions import preparations
    from models.workflow.phone_signing import start_phone_signing
    from tests.protocol.phone import _viewer

    protocol, member = await _protocol(phone_api, held)
    await enrol(sim, member)
    # SK answers the certificate choice slowly (each status request hangs for a second)
    await behave(sim, confirm="command", hangSeconds=1.0)
    started = await start_phone_signing(
        await _viewer(member),
        commission_pk(protocol["id"]),
        SignatureMethod.SMART_ID,
        _at_once(phone_setup),
    )
    # the answer did not wait for SK: no code yet, the session is being prepared
    assert (started.verification_code, started.digest) == (None, None)
    first = await status(phone_api, started.session_key, member)
    assert first is not None
    assert (first["status"], first["verificationCode"]) == ("PREPARING", None)

    await preparations()
    waiting = await status(phone_api, started.session_key, member)
    assert waiting is not None
    assert waiting["status"] == "WAITING"
    [shown] = [s for s in (await sim.get("/_sim/sessions")).json() if s["verificationCode"]]
    assert shown["verificationCode"] == waiting["verificationCode"]
    await sim.post(f"/_sim/sessions/{shown['id']}/confirm")
    await poller(phone_setup).until_idle()
    ended = await status(phone_api, started.session_key, member)
    assert ended is not None
    assert ended["status"] == "SIGNED"
    assert await Signature.filter(protocol_id=commission_pk(protocol["id"])).count() == 1
    mine = [e.data["status"] for e in heard if e.topic is Topic.SIGNING_SESSION]
    assert mine == ["PREPARING", "WAITING", "SIGNED"]


async def test_a_preparation_that_fails_later_ends_the_session_with_its_code(
    phone_api, held: HeldExam, sim, phone_setup
):
    from models.workflow.phone_sessions import preparations
    from models.workflow.phone_signing import start_phone_signing
    from tests.protocol.phone import _viewer

    protocol, member = await _protocol(phone_api, held)
    before = (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content
    await enrol(sim, member)
    await behave(sim, startStatus=480)
    started = await start_phone_signing(
        await _viewer(member),
        commission_pk(protocol["id"]),
        SignatureMethod.SMART_ID,
        _at_once(phone_setup),
    )
    await preparations()
    ended = await status(phone_api, started.session_key, member)
    assert ended is not None
    assert (ended["status"], ended["errorCode"]) == ("FAILED", "SIGNING_CLIENT_OUTDATED")
    await _unchanged(protocol["id"], before)


async def test_cancelled_while_prepared_nothing_goes_to_the_phone_or_the_document(
    phone_api, held: HeldExam, sim, phone_setup
):
    from models.workflow.phone_sessions import preparations
    from models.workflow.phone_signing import start_phone_signing
    from tests.protocol.phone import _viewer

    protocol, member = await _protocol(phone_api, held)
    before = (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content
    await enrol(sim, member)
    await behave(sim, confirm="delay", delaySeconds=0.1, hangSeconds=1.0)
    started = await start_phone_signing(
        await _viewer(member),
        commission_pk(protocol["id"]),
        SignatureMethod.SMART_ID,
        _at_once(phone_setup),
    )
    cancelled = await phone_api.query(CANCEL, {"id": started.session_key}, as_=(member, _role()))
    assert cancelled["data"]["protocolSigningCancel"]["session"]["status"] == "CANCELLED"

    await preparations()
    await poller(phone_setup).until_idle()
    ended = await status(phone_api, started.session_key, member)
    assert ended is not None
    assert ended["status"] == "CANCELLED"
    assert not [s for s in (await sim.get("/_sim/sessions")).json() if s["verificationCode"]]
    await _unchanged(protocol["id"], before)


async def test_a_preparation_whose_process_stopped_ends_interrupted(
    phone_api, held: HeldExam, sim, phone_setup
):
    from models.workflow import phone_sessions, phone_signing
    from tests.protocol.phone import _viewer

    protocol, member = await _protocol(phone_api, held)
    before = (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content
    await enrol(sim, member)
    await behave(sim, confirm="command", hangSeconds=5.0)
    started = await phone_signing.start_phone_signing(
        await _viewer(member),
        commission_pk(protocol["id"]),
        SignatureMethod.SMART_ID,
        _at_once(phone_setup),
    )
    # the process preparing it stops (its task dies with it) ...
    for task in list(phone_sessions._preparing):
        task.cancel()
    await asyncio.gather(*phone_sessions._preparing, return_exceptions=True)
    other = poller(phone_setup, "process-b")
    await other.expire()
    row = await SigningSession.get(session_key=started.session_key)
    assert row.status is SigningSessionStatus.PREPARING  # its lease still holds
    # ... and once its lease has run out, another process ends the session
    await SigningSession.filter(id=row.id).update(
        lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    )
    assert await other.expire() == 1
    ended = await status(phone_api, started.session_key, member)
    assert ended is not None
    assert (ended["status"], ended["errorCode"]) == ("FAILED", "SIGNING_INTERRUPTED")
    assert " / " in ended["errorMessage"]
    await _unchanged(protocol["id"], before)


def test_rsa_keys_sign_with_the_scheme_each_service_uses(test_pki):
    from models.workflow.signing import phone_rsa_scheme

    rsa = test_pki.person("38001010008", "Mari", "Maasikas", key="rsa-2048").certificate_pem
    ec = test_pki.person("38001010008", "Mari", "Maasikas", key="ec-p256").certificate_pem
    assert phone_rsa_scheme(SignatureMethod.SMART_ID, rsa) == "pss"
    assert phone_rsa_scheme(SignatureMethod.MOBILE_ID, rsa) == "pkcs1v15"
    assert phone_rsa_scheme(SignatureMethod.MOBILE_ID, ec) is None
    assert phone_rsa_scheme(SignatureMethod.SMART_ID, ec) is None
