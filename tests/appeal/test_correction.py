"""Consequences of an upheld appeal: the result or decision re-recorded, a corrected commission
protocol signed, the original superseded (both verifiable), certificates issued or annulled
(annulled ones stay in the register), the school's extract sealed again, compensation
following the corrected result; every refusal changes nothing."""

from __future__ import annotations

import asyncio
import base64
import subprocess
from datetime import timedelta
from typing import Any

from models.access import ReportScope
from models.appeal import Appeal
from models.audit import AuditEvent
from models.certificate import Certificate
from models.clock import today
from models.compensation_report import compensation_report
from models.enums import ParticipantResult, ProtocolKind, ProtocolStatus, Role
from models.notification import Notification
from models.participant import Participant
from models.protocol import Protocol, ProtocolExtract
from tests.appeal.conftest import (
    APPEAL_DECIDE,
    APPEAL_FILE,
    APPEAL_REVIEW,
    MY_PARTICIPATIONS,
    examinee_of,
    filing,
    personal_token,
)
from tests.protocol.conftest import HeldExam
from tests.protocol.test_signing_flow import PROTOCOL_SIGN, gid

APPEAL_CORRECT = """
mutation($id: ID!, $awarded: Boolean!, $result: ParticipantResult) {
  appealCorrect(id: $id, awarded: $awarded, result: $result) {
    protocol { id number kind status supersededAt }
    userErrors { code message field }
  }
}"""
REGISTER = """
{ certificates(first: 50) { edges { node { registerNumber holderLastName protocolNumber
  annulledAt annulmentReason } } } }"""
VALID_TODAY = """
query($day: Date!) { certificates(first: 50, filter: {validOn: $day}) {
  edges { node { registerNumber } } } }"""
VERIFY = """
query($id: ID!) { node(id: $id) { ... on Protocol { number supersededAt
  verification { signatures { intact trusted } } } } }"""


async def _upheld(api: Any, held: HeldExam, participant: Participant, subject: str) -> str:
    """Filed by the examinee, taken up by the body, upheld by the chair: the appeal's ID."""
    token = personal_token(api, await participant.person)
    filed = await api.query(
        APPEAL_FILE, {"input": filing(participant, subject=subject)}, token=token
    )
    appeal_id = filed["data"]["appealFile"]["appeal"]["id"]
    await api.query(APPEAL_REVIEW, {"id": appeal_id}, as_=(held.body_user, Role.AWARDING_BODY))
    decided = await api.query(
        APPEAL_DECIDE,
        {"id": appeal_id, "upheld": True, "reason": "Tulemus arvutati valesti."},
        as_=(held.chair, Role.COMMISSION_CHAIR),
    )
    assert decided["data"]["appealDecide"]["appeal"]["status"] == "UPHELD"
    return str(appeal_id)


async def _correct(api: Any, held: HeldExam, appeal_id: str, **variables: Any) -> dict[str, Any]:
    data = await api.query(
        APPEAL_CORRECT, {"id": appeal_id, **variables}, as_=(held.body_user, Role.AWARDING_BODY)
    )
    return dict(data["data"]["appealCorrect"])


async def _correct_and_sign(api: Any, held: HeldExam, appeal_id: str, **variables: Any) -> None:
    payload = await _correct(api, held, appeal_id, **variables)
    signed = await api.query(
        PROTOCOL_SIGN,
        {"protocol": payload["protocol"]["id"]},
        as_=(held.chair, Role.COMMISSION_CHAIR),
    )
    assert signed["data"]["protocolSign"]["userErrors"] == []


async def _snapshot(held: HeldExam) -> tuple[list[Any], ...]:
    return (
        await Participant.filter(exam_id=held.exam.id).order_by("id").values(),
        await Protocol.filter(exam_id=held.exam.id).order_by("id").values(),
        await Certificate.all().order_by("id").values(),
        await Appeal.filter(exam_id=held.exam.id).order_by("id").values(),
    )


async def test_an_upheld_result_appeal_issues_the_certificate_on_a_corrected_protocol(
    api, decided: HeldExam
):
    failed = examinee_of(decided, ParticipantResult.FAILED)
    original = await Protocol.get(exam_id=decided.exam.id, kind=ProtocolKind.COMMISSION)
    assert not await Certificate.filter(person_id=failed.person_id).exists()
    extracts_before = await ProtocolExtract.filter(school_id=decided.exam.school_id).count()
    appeal_id = await _upheld(api, decided, failed, "RESULT")
    token = personal_token(api, await failed.person)
    mine_before = (await api.query(MY_PARTICIPATIONS, token=token))["data"]["myParticipations"][0]

    # when the awarding body re-records the result
    payload = await _correct(api, decided, appeal_id, awarded=True, result="PASSED")

    # then a corrected protocol with a number of its own waits for the chair's signature
    assert payload["userErrors"] == []
    corrected = payload["protocol"]
    assert corrected["kind"] == "COMMISSION"
    assert corrected["status"] == "DRAFT"
    assert corrected["number"] != original.number
    row = await Protocol.get(number=corrected["number"])
    assert row.supersedes_id == original.id
    assert (await Participant.get(id=failed.id)).result is ParticipantResult.PASSED
    # nothing follows before it is signed
    assert not await Certificate.filter(person_id=failed.person_id).exists()

    # when the chair signs it with the server-held key (development)
    signed = await api.query(
        PROTOCOL_SIGN, {"protocol": corrected["id"]}, as_=(decided.chair, Role.COMMISSION_CHAIR)
    )
    assert signed["data"]["protocolSign"]["userErrors"] == []
    assert signed["data"]["protocolSign"]["protocol"]["status"] == "SIGNED"

    # then the original stays, marked superseded, and both verify
    for gid_, superseded in ((gid("Protocol", original.id), True), (corrected["id"], False)):
        node = (await api.query(VERIFY, {"id": gid_}, as_=(decided.body_user, Role.AWARDING_BODY)))[
            "data"
        ]["node"]
        assert (node["supersededAt"] is not None) is superseded
        assert node["verification"]["signatures"]
        assert all(s["intact"] and s["trusted"] for s in node["verification"]["signatures"])
    # the certificate rests on the corrected protocol, in the public register
    certificate = await Certificate.get(person_id=failed.person_id)
    register = (await api.query(REGISTER))["data"]["certificates"]["edges"]
    listed = {e["node"]["registerNumber"]: e["node"] for e in register}
    assert listed[certificate.register_number]["protocolNumber"] == corrected["number"]
    assert listed[certificate.register_number]["annulledAt"] is None
    # the school's extract is sealed again, of the corrected protocol
    assert await ProtocolExtract.filter(school_id=decided.exam.school_id).count() == (
        extracts_before + 1
    )
    assert await ProtocolExtract.filter(protocol_id=row.id).exists()
    # the appeal is applied, audited and told in the same transaction
    appeal = await Appeal.get(participant_id=failed.id)
    assert appeal.applied_at is not None
    assert appeal.corrected_protocol_id == row.id
    actions = set(
        await AuditEvent.filter(entity="appeal", entity_id=appeal.id).values_list(
            "action", flat=True
        )
    )
    assert {"appeal.correct", "appeal.applied"} <= actions
    told = set(
        await Notification.filter(kind="appeal.applied").values_list("recipient_id", flat=True)
    )
    assert {failed.person_id, decided.school_user.id, decided.body_user.id} <= told

    # the examinee sees the protocol in force; their appeal period stays as announced
    mine = (await api.query(MY_PARTICIPATIONS, token=token))["data"]["myParticipations"][0]
    assert mine_before["commissionProtocolNumber"] == original.number
    assert mine["commissionProtocolNumber"] == corrected["number"]
    assert mine["decisionAppealDeadline"] == mine_before["decisionAppealDeadline"]
    assert mine["result"] == "PASSED"

    # and the correction cannot be made again
    again = await _correct(api, decided, appeal_id, awarded=False, result="FAILED")
    assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]


async def test_a_certificate_annulled_by_a_correction_stays_in_the_register_as_annulled(
    api, decided: HeldExam
):
    passed = examinee_of(decided, ParticipantResult.PASSED)
    held = await Certificate.get(person_id=passed.person_id)
    appeal_id = await _upheld(api, decided, passed, "RESULT")

    await _correct_and_sign(api, decided, appeal_id, awarded=False, result="FAILED")

    annulled = await Certificate.get(id=held.id)
    assert annulled.annulled_at is not None
    assert annulled.annulment_reason
    assert "upheld" in annulled.annulment_reason
    assert await Certificate.filter(person_id=passed.person_id).count() == 1
    register = (await api.query(REGISTER))["data"]["certificates"]["edges"]
    node = next(e["node"] for e in register if e["node"]["registerNumber"] == held.register_number)
    assert node["annulledAt"] is not None
    assert node["annulmentReason"] == annulled.annulment_reason
    valid = (await api.query(VALID_TODAY, {"day": str(today())}))["data"]["certificates"]["edges"]
    assert held.register_number not in {e["node"]["registerNumber"] for e in valid}


async def test_compensation_follows_the_corrected_result(api, decided: HeldExam):
    absent = examinee_of(decided, ParticipantResult.ABSENT)
    day = today()
    scope = ReportScope()

    async def counts() -> tuple[int, int]:
        report = await compensation_report(scope, day - timedelta(days=30), day)
        lines = [line for line in report.lines if line.exam_id == decided.exam.id]
        sat = sum(ln.compensated + ln.invoiced_to_school + ln.not_compensated for ln in lines)
        return sat, sum(line.absent for line in lines)

    sat, away = await counts()
    appeal_id = await _upheld(api, decided, absent, "RESULT")
    await _correct_and_sign(api, decided, appeal_id, awarded=True, result="PASSED")

    assert await counts() == (sat + 1, away - 1)


async def test_refusals_change_nothing(api, decided: HeldExam):
    failed = examinee_of(decided, ParticipantResult.FAILED)
    token = personal_token(api, await failed.person)
    filed = await api.query(APPEAL_FILE, {"input": filing(failed, subject="RESULT")}, token=token)
    appeal_id = filed["data"]["appealFile"]["appeal"]["id"]
    before = await _snapshot(decided)

    # not upheld yet
    early = await _correct(api, decided, appeal_id, awarded=True, result="PASSED")
    assert [e["code"] for e in early["userErrors"]] == ["INVALID_STATE"]
    # the chair or the examinee may not re-record
    chair = await api.query(
        APPEAL_CORRECT,
        {"id": appeal_id, "awarded": True, "result": "PASSED"},
        as_=(decided.chair, Role.COMMISSION_CHAIR),
    )
    assert [e["code"] for e in chair["data"]["appealCorrect"]["userErrors"]] == ["FORBIDDEN"]
    mine = await api.query(
        APPEAL_CORRECT, {"id": appeal_id, "awarded": True, "result": "PASSED"}, token=token
    )
    assert [e["code"] for e in mine["data"]["appealCorrect"]["userErrors"]] == ["NOT_FOUND"]
    assert await _snapshot(decided) == before

    appeal_id = await _upheld_existing(api, decided, appeal_id)
    before = await _snapshot(decided)
    # a result appeal needs the new result; a failed result cannot be awarded
    missing = await _correct(api, decided, appeal_id, awarded=True)
    assert [e["code"] for e in missing["userErrors"]] == ["INVALID_INPUT"]
    unearned = await _correct(api, decided, appeal_id, awarded=True, result="FAILED")
    assert [e["code"] for e in unearned["userErrors"]] == ["INVALID_INPUT"]
    assert await _snapshot(decided) == before
    assert await Protocol.filter(exam_id=decided.exam.id, status=ProtocolStatus.DRAFT).count() == 0


async def _upheld_existing(api: Any, held: HeldExam, appeal_id: str) -> str:
    await api.query(APPEAL_REVIEW, {"id": appeal_id}, as_=(held.body_user, Role.AWARDING_BODY))
    await api.query(
        APPEAL_DECIDE,
        {"id": appeal_id, "upheld": True, "reason": "Tulemus arvutati valesti."},
        as_=(held.chair, Role.COMMISSION_CHAIR),
    )
    return appeal_id


async def test_the_chair_signs_the_corrected_protocol_on_their_own_device(
    api, decided: HeldExam, test_pki, tmp_path
):
    from models.protocol import ProtocolDocument
    from tests.protocol.test_device_signing import complete, start
    from tests.signing.test_external import device_sign
    from tests.signing.validators import (
        assert_openssl_cms_valid,
        assert_openssl_document_timestamps_valid,
        assert_pdfsig_valid,
        make_nss_db,
    )

    failed = examinee_of(decided, ParticipantResult.FAILED)
    appeal_id = await _upheld(api, decided, failed, "RESULT")
    payload = await _correct(api, decided, appeal_id, awarded=True, result="PASSED")
    chair = decided.chair
    credentials = test_pki.person(chair.personal_code, chair.first_name, chair.last_name)

    started = await start(
        api, payload["protocol"]["id"], chair, credentials, role=Role.COMMISSION_CHAIR
    )
    assert started["userErrors"] == []
    signature = device_sign(
        credentials, base64.b64decode(started["hash"]), started["hashFunction"], "ecdsa-raw"
    )
    done = await complete(api, started["sessionId"], signature, chair, role=Role.COMMISSION_CHAIR)

    assert done["userErrors"] == []
    assert done["protocol"]["status"] == "SIGNED"
    assert await Certificate.filter(person_id=failed.person_id, annulled_at__isnull=True).exists()
    row = await Protocol.get(number=payload["protocol"]["number"])
    pdf = (await ProtocolDocument.get(protocol_id=row.id)).content
    original = await Protocol.get(id=row.supersedes_id)
    extracted = await asyncio.to_thread(
        subprocess.run, ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    )
    text = extracted.stdout.decode()
    assert "Corrects protocol" in text
    assert str(original.number) in text
    nss = make_nss_db(tmp_path / "nss", test_pki.root_certificate_pem)
    # the chair's is the last signature: an archive timestamp covers it (PAdES B-LTA)
    assert_pdfsig_valid(
        pdf, nss, expected_signatures=1, last_covers_all=False, document_timestamps=1
    )
    assert_openssl_cms_valid(pdf, test_pki.root_certificate_pem, expected_signatures=1)
    tsa = test_pki.tsa().certificate_pem
    assert assert_openssl_document_timestamps_valid(pdf, test_pki.root_certificate_pem, tsa) == 1
