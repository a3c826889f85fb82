"""The appeal decision signed on the chair's own device, as in production where the server
holds no key: the decision is drawn up unsigned, then the chair who decided signs it with an
ID-card (a device key of the development PKI) or Smart-ID / Mobile-ID (the SK simulator, the
background poller). The signed decision is B-LTA and checked by pyHanko, pdfsig and openssl.
Every refusal leaves the document, the appeal and the sessions as they were."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from models.access import Viewer
from models.appeal import Appeal, AppealDocument
from models.audit import AuditEvent
from models.enums import Role, SignatureMethod, SigningSessionStatus
from models.person import Person, RoleAssignment
from models.protocol import SigningSession
from models.workflow.appeal import decide_appeal
from models.workflow.signing import SigningSetup
from resolvers.ids import pk_of
from signing._issuing import pem_to_der
from signing.pki import Credentials, DevelopmentPki
from signing.verify import verify_document
from tests.appeal.conftest import personal_token
from tests.appeal.test_refusals import _under_review
from tests.factories import create_awarding_body, create_user
from tests.protocol.conftest import HeldExam, make_held_exam
from tests.protocol.phone import CANCEL, STATUS, behave, enrol, poller
from tests.protocol.test_certificates import complete_exam
from tests.protocol.test_signing_flow import gid
from tests.signing.test_external import device_sign
from tests.signing.validators import (
    assert_openssl_cms_valid,
    assert_openssl_document_timestamps_valid,
    assert_pdfsig_valid,
    make_nss_db,
)

START = """
mutation($appeal: ID!, $method: SigningDevice!, $certificate: String, $phone: String,
         $rsa: RsaSignatureScheme) {
  appealDecisionSigningStart(appeal: $appeal, method: $method, certificate: $certificate,
                             phoneNumber: $phone, rsaScheme: $rsa) {
    sessionId hash hashFunction verificationCode
    session { id method status }
    userErrors { code field message }
  }
}"""
COMPLETE = """
mutation($session: String!, $signature: String!) {
  appealDecisionSigningComplete(sessionId: $session, signature: $signature) {
    appeal { id status version decisionSigned decisionSignedAt decisionSignatureMethod }
    userErrors { code field message }
  }
}"""
PROTOCOL_COMPLETE = """
mutation($session: String!, $signature: String!) {
  protocolSigningComplete(sessionId: $session, signature: $signature) {
    protocol { id } userErrors { code field message }
  }
}"""
APPEAL = """
query($id: ID!) {
  appeal(id: $id) { version decisionSigned decisionSignedAt decisionSignatureMethod }
}"""
HISTORY = """
query($id: ID!) { exam(id: $id) { history(first: 50) { edges { node { action } } } } }"""
REASON = "Hindaja ei arvestanud ülesannet nr 3."


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def keys(pki: DevelopmentPki, person: Person, **options: Any) -> Credentials:
    return pki.person(person.personal_code, person.first_name, person.last_name, **options)


@pytest.fixture
def revoked(test_pki: DevelopmentPki) -> Iterator[list[Credentials]]:
    """Revoke what a test puts in here; lifted afterwards, as the PKI is the session's."""
    taken: list[Credentials] = []
    yield taken
    for credentials in taken:
        test_pki.release(credentials.certificate_pem)


async def decided_unsigned(api: Any, held: HeldExam, setup: SigningSetup) -> str:
    """An appeal decided as in production: no server-held key, the PDF drawn up unsigned."""
    appeal_id = await _under_review(api, held)
    assignment = await RoleAssignment.get(person_id=held.chair.id, role=Role.COMMISSION_CHAIR)
    chair = Viewer(held.chair.id, Role.COMMISSION_CHAIR, assignment.organisation_id)
    await decide_appeal(
        chair,
        pk_of(appeal_id, "Appeal"),
        upheld=True,
        reason=REASON,
        signing=dataclasses.replace(setup, person_keys=None),
    )
    document = await AppealDocument.get(appeal_id=pk_of(appeal_id, "Appeal"))
    assert document.signed_at is None
    assert document.method is None
    return appeal_id


async def start(
    api: Any,
    appeal_id: str,
    person: Person,
    role: Role = Role.COMMISSION_CHAIR,
    **variables: Any,
) -> dict[str, Any]:
    answer = await api.query(
        START, {"appeal": appeal_id, "method": "ID_CARD", **variables}, as_=(person, role)
    )
    assert "errors" not in answer, answer
    return answer["data"]["appealDecisionSigningStart"]  # type: ignore[no-any-return]


async def complete(api: Any, session: str, signature: bytes, person: Person) -> dict[str, Any]:
    answer = await api.query(
        COMPLETE,
        {"session": session, "signature": b64(signature)},
        as_=(person, Role.COMMISSION_CHAIR),
    )
    assert "errors" not in answer, answer
    return answer["data"]["appealDecisionSigningComplete"]  # type: ignore[no-any-return]


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def assert_signed_decision(
    document: AppealDocument, person: Person, pki: DevelopmentPki, tmp_path: Any
) -> None:
    """B-LTA, the chair's own signature, valid for pyHanko, pdfsig and openssl."""
    report = await verify_document(document.content, trust_roots=(pki.root_certificate_pem,))
    assert report.valid
    assert report.level == "B-LTA"
    [signature] = report.signatures
    assert signature.intact
    assert signature.trusted
    assert signature.signer_personal_code == person.personal_code
    nss = make_nss_db(tmp_path / "nss", pki.root_certificate_pem)
    # the only signature locks the document; validation data and the archive timestamp follow
    assert_pdfsig_valid(
        document.content, nss, expected_signatures=1, last_covers_all=False, document_timestamps=1
    )
    assert_openssl_cms_valid(document.content, pki.root_certificate_pem, expected_signatures=1)
    tsa = pki.tsa().certificate_pem
    assert (
        assert_openssl_document_timestamps_valid(document.content, pki.root_certificate_pem, tsa)
        == 1
    )


@pytest.mark.parametrize(
    ("key", "scheme", "rsa"),
    [("ec-p256", "ecdsa-raw", None), ("rsa-2048", "pss", "PSS")],
)
async def test_the_chair_signs_the_decision_with_an_id_card(
    api, decided: HeldExam, test_pki, tmp_path, key, scheme, rsa
):
    appeal_id = await decided_unsigned(api, decided, api.app.state.signing)
    chair = decided.chair
    before = (await api.query(APPEAL, {"id": appeal_id}, as_=(chair, Role.COMMISSION_CHAIR)))[
        "data"
    ]["appeal"]
    assert before["decisionSigned"] is False
    assert before["decisionSignedAt"] is None
    assert before["decisionSignatureMethod"] is None
    credentials = keys(test_pki, chair, key=key)

    started = await start(
        api, appeal_id, chair, certificate=b64(pem_to_der(credentials.certificate_pem)), rsa=rsa
    )
    assert started["userErrors"] == []
    assert started["session"]["status"] == "WAITING"
    signature = device_sign(
        credentials, base64.b64decode(started["hash"]), started["hashFunction"], scheme
    )
    done = await complete(api, started["sessionId"], signature, chair)

    assert done["userErrors"] == []
    assert done["appeal"]["status"] == "UPHELD"
    assert done["appeal"]["decisionSigned"] is True
    assert done["appeal"]["decisionSignedAt"] is not None
    assert done["appeal"]["decisionSignatureMethod"] == "ID_CARD"
    assert done["appeal"]["version"] == before["version"] + 1
    document = await AppealDocument.get(appeal_id=pk_of(appeal_id, "Appeal"))
    assert document.method is SignatureMethod.ID_CARD
    assert document.signer_id == chair.id
    await assert_signed_decision(document, chair, test_pki, tmp_path)
    session = await SigningSession.get(session_key=started["sessionId"])
    assert session.status is SigningSessionStatus.SIGNED
    assert session.protocol_id is None
    assert session.appeal_document_id == document.id
    # the signature is in the audit and the exam's history, without a personal code
    history = await api.query(
        HISTORY, {"id": gid("Exam", decided.exam.id)}, as_=(decided.body_user, Role.AWARDING_BODY)
    )
    actions = [e["node"]["action"] for e in history["data"]["exam"]["history"]["edges"]]
    assert {"appeal.decide", "appeal.decision_drawn_up", "appeal.decision_signed"} <= set(actions)
    audit = await AuditEvent.get(action="appeal.decision_signed")
    assert audit.actor_id == chair.id
    assert chair.personal_code not in str(audit.after)


async def _unchanged(appeal_id: str, before: AppealDocument, version: int) -> None:
    document = await AppealDocument.get(appeal_id=pk_of(appeal_id, "Appeal"))
    assert document.content == before.content
    assert document.sha256 == before.sha256
    assert document.signed_at is None
    assert document.method is None
    assert (await Appeal.get(id=pk_of(appeal_id, "Appeal"))).version == version
    assert not await SigningSession.filter(status=SigningSessionStatus.SIGNED).exists()
    assert not await AuditEvent.filter(action="appeal.decision_signed").exists()


async def test_only_the_deciding_chair_may_sign_and_refusals_change_nothing(
    api, decided: HeldExam, test_pki, tmp_path, revoked
):
    appeal_id = await decided_unsigned(api, decided, api.app.state.signing)
    before = await AppealDocument.get(appeal_id=pk_of(appeal_id, "Appeal"))
    version = (await Appeal.get(id=pk_of(appeal_id, "Appeal"))).version
    chair = decided.chair
    mine = keys(test_pki, chair)
    certificate = b64(pem_to_der(mine.certificate_pem))

    # another chair of the same body, the awarding body, a chair of another body: FORBIDDEN
    colleague = await create_user(Role.COMMISSION_CHAIR, decided.body)
    stranger = await create_user(Role.COMMISSION_CHAIR, await create_awarding_body())
    for person, role in [
        (colleague, Role.COMMISSION_CHAIR),
        (decided.body_user, Role.AWARDING_BODY),
        (stranger, Role.COMMISSION_CHAIR),
    ]:
        theirs = b64(pem_to_der(keys(test_pki, person).certificate_pem))
        refused = await start(api, appeal_id, person, role, certificate=theirs)
        assert codes(refused) == ["FORBIDDEN"], (person, role)
    # the examinee in their own view
    examinee = await Person.get(id=(await Appeal.get(id=pk_of(appeal_id, "Appeal"))).filed_by_id)
    answer = await api.query(
        START,
        {"appeal": appeal_id, "method": "ID_CARD", "certificate": certificate},
        token=personal_token(api, examinee),
    )
    assert codes(answer["data"]["appealDecisionSigningStart"]) == ["FORBIDDEN"]
    # an unknown appeal
    missing = gid("Appeal", pk_of(appeal_id, "Appeal") + 1000)
    assert codes(await start(api, missing, chair, certificate=certificate)) == ["NOT_FOUND"]
    # someone else's certificate
    foreign = b64(pem_to_der(keys(test_pki, colleague).certificate_pem))
    refused = await start(api, appeal_id, chair, certificate=foreign)
    assert codes(refused) == ["CERTIFICATE_NOT_SIGNERS"]
    # a revoked certificate of the chair
    lost = keys(test_pki, chair, key="ec-p384")
    test_pki.revoke(lost.certificate_pem, "key_compromise")
    revoked.append(lost)
    refused = await start(api, appeal_id, chair, certificate=b64(pem_to_der(lost.certificate_pem)))
    assert codes(refused) == ["CERTIFICATE_REVOKED"]
    await _unchanged(appeal_id, before, version)

    # a session whose certificate is revoked before the signature is embedded
    started = await start(api, appeal_id, chair, certificate=certificate)
    assert started["userErrors"] == []
    signature = device_sign(
        mine, base64.b64decode(started["hash"]), started["hashFunction"], "ecdsa-raw"
    )
    # a wrong signature, and the protocol path with a decision's session
    wrong = device_sign(keys(test_pki, colleague), b"\0" * 32, "SHA-256", "ecdsa-raw")
    assert codes(await complete(api, started["sessionId"], wrong, chair)) == ["SIGNATURE_INVALID"]
    protocol_path = await api.query(
        PROTOCOL_COMPLETE,
        {"session": started["sessionId"], "signature": b64(signature)},
        as_=(chair, Role.COMMISSION_CHAIR),
    )
    assert codes(protocol_path["data"]["protocolSigningComplete"]) == ["NOT_FOUND"]
    # someone else completing the chair's session
    answer = await api.query(
        COMPLETE,
        {"session": started["sessionId"], "signature": b64(signature)},
        as_=(colleague, Role.COMMISSION_CHAIR),
    )
    assert codes(answer["data"]["appealDecisionSigningComplete"]) == ["NOT_FOUND"]
    test_pki.revoke(mine.certificate_pem, "certificate_hold")
    revoked.append(mine)
    done = await complete(api, started["sessionId"], signature, chair)
    assert codes(done) == ["CERTIFICATE_REVOKED"]
    await _unchanged(appeal_id, before, version)

    # once lifted, the chair signs; then the decision is signed and stays so
    test_pki.release(mine.certificate_pem)
    revoked.remove(mine)
    assert (await complete(api, started["sessionId"], signature, chair))["userErrors"] == []
    signed = await AppealDocument.get(appeal_id=pk_of(appeal_id, "Appeal"))
    again = await start(api, appeal_id, chair, certificate=certificate)
    assert codes(again) == ["INVALID_STATE"]
    assert codes(await complete(api, started["sessionId"], signature, chair)) == ["INVALID_STATE"]
    assert (await AppealDocument.get(appeal_id=pk_of(appeal_id, "Appeal"))).content == (
        signed.content
    )
    assert await AuditEvent.filter(action="appeal.decision_signed").count() == 1


async def test_an_undecided_appeal_or_a_server_signed_decision_is_not_signed_again(
    api, decided: HeldExam, test_pki
):
    appeal_id = await _under_review(api, decided)
    certificate = b64(pem_to_der(keys(test_pki, decided.chair).certificate_pem))

    refused = await start(api, appeal_id, decided.chair, certificate=certificate)
    assert codes(refused) == ["INVALID_STATE"]
    assert not await AppealDocument.all().exists()

    # development: the server-held key signs at decision time
    answer = await api.query(
        """mutation($id: ID!) { appealDecide(id: $id, upheld: false, reason: "Ei.") {
             appeal { decisionSigned decisionSignatureMethod } userErrors { code } } }""",
        {"id": appeal_id},
        as_=(decided.chair, Role.COMMISSION_CHAIR),
    )
    assert answer["data"]["appealDecide"]["appeal"] == {
        "decisionSigned": True,
        "decisionSignatureMethod": "SERVER_KEY",
    }
    refused = await start(api, appeal_id, decided.chair, certificate=certificate)
    assert codes(refused) == ["INVALID_STATE"]
    assert not await SigningSession.all().exists()


@pytest.fixture
async def phone_decided(phone_api) -> HeldExam:  # type: ignore[no-untyped-def]
    held = await make_held_exam(groups=1, per_group=4)
    await complete_exam(phone_api, held)
    return held


@pytest.mark.parametrize("method", ["SMART_ID", "MOBILE_ID"])
async def test_the_chair_signs_the_decision_with_a_phone(
    phone_api, phone_decided: HeldExam, sim, phone_setup, test_pki, tmp_path, method
):
    held = phone_decided
    appeal_id = await decided_unsigned(phone_api, held, phone_setup)
    await enrol(sim, held.chair)

    started = await start(phone_api, appeal_id, held.chair, method=method, phone="+37200000766")
    assert started["userErrors"] == []
    assert started["verificationCode"] is not None
    assert started["session"]["status"] == "WAITING"
    await poller(phone_setup).until_idle()
    await asyncio.sleep(0.3)  # notifications cross a socket on PostgreSQL

    answer = await phone_api.query(
        STATUS, {"id": started["sessionId"]}, as_=(held.chair, Role.COMMISSION_CHAIR)
    )
    ended = answer["data"]["signingSession"]
    assert ended is not None
    assert ended["status"] == "SIGNED", ended
    document = await AppealDocument.get(appeal_id=pk_of(appeal_id, "Appeal"))
    assert document.method is SignatureMethod(method)
    assert document.signer_id == held.chair.id
    await assert_signed_decision(document, held.chair, test_pki, tmp_path)
    appeal = (
        await phone_api.query(APPEAL, {"id": appeal_id}, as_=(held.chair, Role.COMMISSION_CHAIR))
    )["data"]["appeal"]
    assert appeal["decisionSigned"] is True
    assert appeal["decisionSignatureMethod"] == method


async def test_a_cancelled_phone_session_signs_nothing(
    phone_api, phone_decided: HeldExam, sim, phone_setup
):
    held = phone_decided
    appeal_id = await decided_unsigned(phone_api, held, phone_setup)
    before = await AppealDocument.get(appeal_id=pk_of(appeal_id, "Appeal"))
    version = (await Appeal.get(id=pk_of(appeal_id, "Appeal"))).version
    await enrol(sim, held.chair)
    started = await start(phone_api, appeal_id, held.chair, method="SMART_ID")
    assert started["userErrors"] == []

    cancelled = await phone_api.query(
        CANCEL, {"id": started["sessionId"]}, as_=(held.chair, Role.COMMISSION_CHAIR)
    )
    assert cancelled["data"]["protocolSigningCancel"] == {
        "session": {"status": "CANCELLED", "errorCode": None},
        "userErrors": [],
    }
    await poller(phone_setup).until_idle()

    await _unchanged(appeal_id, before, version)


async def test_a_decision_start_answers_at_once_and_the_session_is_prepared_after(
    phone_api, phone_decided: HeldExam, sim, phone_setup, test_pki, tmp_path
):
    import dataclasses
    import datetime as dt

    from models.access import Viewer
    from models.person import RoleAssignment
    from models.workflow.decision_signing import start_decision_phone_signing
    from models.workflow.phone_sessions import preparations

    held = phone_decided
    appeal_id = await decided_unsigned(phone_api, held, phone_setup)
    await enrol(sim, held.chair)
    # SK answers the certificate choice slowly; the start does not wait for it at all
    await behave(sim, confirm="delay", delaySeconds=0.2, hangSeconds=1.0)
    role = await RoleAssignment.get(person_id=held.chair.id, role=Role.COMMISSION_CHAIR)
    started = await start_decision_phone_signing(
        Viewer(held.chair.id, Role.COMMISSION_CHAIR, role.organisation_id),
        pk_of(appeal_id, "Appeal"),
        SignatureMethod.SMART_ID,
        dataclasses.replace(phone_setup, phone_start_wait=dt.timedelta(0)),
    )
    assert started.verification_code is None
    first = await phone_api.query(
        STATUS, {"id": started.session_key}, as_=(held.chair, Role.COMMISSION_CHAIR)
    )
    assert first["data"]["signingSession"]["status"] == "PREPARING"

    await preparations()
    await poller(phone_setup).until_idle()
    answer = await phone_api.query(
        STATUS, {"id": started.session_key}, as_=(held.chair, Role.COMMISSION_CHAIR)
    )
    ended = answer["data"]["signingSession"]
    assert (ended["status"], ended["errorCode"]) == ("SIGNED", None)
    document = await AppealDocument.get(appeal_id=pk_of(appeal_id, "Appeal"))
    assert document.method is SignatureMethod.SMART_ID
    await assert_signed_decision(document, held.chair, test_pki, tmp_path)
