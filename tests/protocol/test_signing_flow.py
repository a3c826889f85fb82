"""From results to certificates through the API, signed with server-held development keys,
every document checked by pyHanko, pdfsig and openssl."""

from __future__ import annotations

import re
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader

from models.certificate import Certificate
from models.enums import ExamStatus, ParticipantResult, Role
from models.exam import Exam
from models.notification import Notification
from models.protocol import ProtocolDocument, ProtocolExtract
from schema.node import to_global_id
from tests.protocol.conftest import HeldExam
from tests.signing.validators import (
    assert_openssl_cms_valid,
    assert_openssl_document_timestamps_valid,
    assert_pdfsig_valid,
    make_nss_db,
)

PROTOCOL_CREATE = """
mutation($exam: ID!, $input: ProtocolCreateInput!) {
  protocolCreate(exam: $exam, input: $input) {
    protocol { id kind number status documentUrl signers { position signed person { lastName } } }
    userErrors { code field message }
  }
}"""
PROTOCOL_SIGN = """
mutation($protocol: ID!) {
  protocolSign(protocol: $protocol) {
    protocol { id status version signatures { signerRole method timestampAt } }
    userErrors { code message }
  }
}"""
PROTOCOL = """
query($id: ID!) {
  node(id: $id) {
    ... on Protocol {
      status number documentUrl extractUrl
      verification { valid problem level signatures { signerName intact trusted modifiedAfter
        coversWholeDocument level timestampTime } }
    }
  }
}"""
RECORD_RESULT = """
mutation($id: ID!, $version: Int!) {
  participantResultRecord(id: $id, version: $version, absent: true) { userErrors { code } }
}"""


def gid(kind: str, pk: int) -> str:
    return to_global_id(kind, pk)


async def create_assessment(api, held: HeldExam, group) -> dict:  # type: ignore[no-untyped-def]
    data = await api.query(
        PROTOCOL_CREATE,
        {
            "exam": gid("Exam", held.exam.id),
            "input": {"kind": "ASSESSMENT", "group": gid("ExamGroup", group.id)},
        },
        as_=(held.body_user, Role.AWARDING_BODY),
    )
    payload = data["data"]["protocolCreate"]
    assert payload["userErrors"] == []
    return payload["protocol"]


async def sign_assessments(api, held: HeldExam) -> list[str]:  # type: ignore[no-untyped-def]
    ids = []
    for group in held.groups:
        protocol = await create_assessment(api, held, group)
        for member in held.committees[group.id]:
            data = await api.query(
                PROTOCOL_SIGN, {"protocol": protocol["id"]}, as_=(member, Role.ASSESSOR)
            )
            assert data["data"]["protocolSign"]["userErrors"] == []
        ids.append(protocol["id"])
    return ids


async def download(api, held_person, role, url: str) -> bytes:  # type: ignore[no-untyped-def]
    token = await api.token_for(held_person, role)
    response = await api.http.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response.content


async def test_results_to_certificates_signed_and_independently_valid(
    api, held: HeldExam, test_pki, tmp_path
):
    nss = make_nss_db(tmp_path / "nss", test_pki.root_certificate_pem)
    # given every group's assessment protocol, signed by its whole committee
    assessment_ids = await sign_assessments(api, held)

    # then the exam is assessed and the school is told
    exam = await Exam.get(id=held.exam.id)
    assert exam.status is ExamStatus.ASSESSED
    assert await Notification.filter(kind="exam.assessed").exists()
    document = await download(
        api, held.body_user, Role.AWARDING_BODY, f"/documents/protocols/{assessment_ids[0]}"
    )
    assert_pdfsig_valid(
        document, nss, expected_signatures=3, last_covers_all=False, document_timestamps=1
    )
    assert_openssl_cms_valid(document, test_pki.root_certificate_pem, expected_signatures=3)
    tsa = test_pki.tsa().certificate_pem
    assert (
        assert_openssl_document_timestamps_valid(document, test_pki.root_certificate_pem, tsa) == 1
    )

    # when the body draws up the commission protocol, awarding the partial pass its part
    partial = next(
        p
        for group in held.groups
        for p in held.participants[group.id]
        if held.results[p.id] is ParticipantResult.PARTIALLY_PASSED
    )
    data = await api.query(
        PROTOCOL_CREATE,
        {
            "exam": gid("Exam", held.exam.id),
            "input": {
                "kind": "COMMISSION",
                "chair": gid("Person", held.chair.id),
                "decisions": [
                    {
                        "participant": gid("Participant", partial.id),
                        "awarded": True,
                        "partialQualification": gid("PartialQualification", held.partial.id),
                    }
                ],
            },
        },
        as_=(held.body_user, Role.AWARDING_BODY),
    )
    commission = data["data"]["protocolCreate"]["protocol"]
    assert data["data"]["protocolCreate"]["userErrors"] == []
    assert re.fullmatch(rf"KP-80253652-{exam.assessed_at.year}-1", commission["number"])

    # and the chair signs it
    data = await api.query(
        PROTOCOL_SIGN, {"protocol": commission["id"]}, as_=(held.chair, Role.COMMISSION_CHAIR)
    )
    assert data["data"]["protocolSign"]["userErrors"] == []
    signed = data["data"]["protocolSign"]["protocol"]
    assert signed["status"] == "SIGNED"
    assert signed["signatures"][0]["timestampAt"] is not None

    # then the exam is completed, certificates are issued to those awarded, in sequence
    exam = await Exam.get(id=held.exam.id)
    assert exam.status is ExamStatus.COMPLETED
    certificates = await Certificate.all().order_by("register_number")
    passed = [pid for pid, r in held.results.items() if r is ParticipantResult.PASSED]
    assert len(certificates) == len(passed) + 1
    numbers = [c.register_number for c in certificates]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    assert sum(c.partial_qualification_id == held.partial.id for c in certificates) == 1
    assert await Notification.filter(kind="exam.completed").exists()

    # and the verification, the protocol and the school's sealed extract check out
    data = await api.query(
        PROTOCOL, {"id": commission["id"]}, as_=(held.body_user, Role.AWARDING_BODY)
    )
    node = data["data"]["node"]
    verification = node["verification"]
    assert verification["valid"] is True
    assert [s["intact"] and s["trusted"] for s in verification["signatures"]] == [True]
    assert verification["signatures"][0]["level"] == "B-LTA"
    assert verification["level"] == "B_LTA"
    assert node["extractUrl"] is None  # the body downloads the protocol, not the extract
    protocol_pdf = await download(api, held.body_user, Role.AWARDING_BODY, node["documentUrl"])
    assert_still_pdf_a_2b(protocol_pdf)
    assert_pdfsig_valid(
        protocol_pdf, nss, expected_signatures=1, last_covers_all=False, document_timestamps=1
    )
    assert_openssl_cms_valid(protocol_pdf, test_pki.root_certificate_pem, expected_signatures=1)
    assert (
        assert_openssl_document_timestamps_valid(protocol_pdf, test_pki.root_certificate_pem, tsa)
        == 1
    )

    school_view = await api.query(
        PROTOCOL, {"id": commission["id"]}, as_=(held.school_user, Role.SCHOOL)
    )
    extract_url = school_view["data"]["node"]["extractUrl"]
    assert school_view["data"]["node"]["documentUrl"] is None
    extract = await download(api, held.school_user, Role.SCHOOL, extract_url)
    assert_still_pdf_a_2b(extract)
    assert_pdfsig_valid(
        extract, nss, expected_signatures=1, last_covers_all=False, document_timestamps=1
    )
    assert_openssl_cms_valid(extract, test_pki.root_certificate_pem, expected_signatures=1)
    assert (
        assert_openssl_document_timestamps_valid(extract, test_pki.root_certificate_pem, tsa) == 1
    )
    stored = await ProtocolExtract.get(protocol_id=int(commission_pk(commission["id"])))
    assert stored.content == extract


def assert_still_pdf_a_2b(pdf: bytes) -> None:
    """Signed B-LTA and still what it declares: PDF/A-2B on PDF 1.7 (no raise to 2.0)."""
    reader = PdfFileReader(BytesIO(pdf))
    assert reader.input_version == (1, 7)
    assert str(reader.root.get("/Version", "/1.7")) == "/1.7"
    xmp = reader.root["/Metadata"].get_object().data.decode()
    # pyHanko rewrites the packet on signing, with properties as attributes
    assert re.search(r'pdfaid:part(>|=")2', xmp), xmp
    assert re.search(r'pdfaid:conformance(>|=")B', xmp), xmp


def commission_pk(global_id: str) -> int:
    from schema.node import from_global_id

    decoded = from_global_id(global_id)
    assert decoded is not None
    return decoded[1]


async def test_only_designated_people_sign_and_each_once(api, held: HeldExam):
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    member = held.committees[group.id][0]

    outsider = await api.query(
        PROTOCOL_SIGN, {"protocol": protocol["id"]}, as_=(held.other_assessor, Role.ASSESSOR)
    )
    chair_of_commission = await api.query(
        PROTOCOL_SIGN, {"protocol": protocol["id"]}, as_=(held.chair, Role.COMMISSION_CHAIR)
    )
    first = await api.query(
        PROTOCOL_SIGN, {"protocol": protocol["id"]}, as_=(member, Role.ASSESSOR)
    )
    again = await api.query(
        PROTOCOL_SIGN, {"protocol": protocol["id"]}, as_=(member, Role.ASSESSOR)
    )

    # the outsider does not even see the protocol; the commission chair sees it but is not
    # one of its signers
    assert outsider["data"]["protocolSign"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert chair_of_commission["data"]["protocolSign"]["userErrors"][0]["code"] == "NOT_A_SIGNER"
    assert first["data"]["protocolSign"]["userErrors"] == []
    assert first["data"]["protocolSign"]["protocol"]["status"] == "SIGNING"
    assert again["data"]["protocolSign"]["userErrors"][0]["code"] == "ALREADY_SIGNED"


async def test_a_signed_protocol_freezes_its_results_and_is_never_redrawn(api, held: HeldExam):
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    before = (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content
    member = held.committees[group.id][0]
    await api.query(PROTOCOL_SIGN, {"protocol": protocol["id"]}, as_=(member, Role.ASSESSOR))
    participant = held.participants[group.id][0]
    await participant.refresh_from_db()

    changed = await api.query(
        RECORD_RESULT,
        {"id": gid("Participant", participant.id), "version": participant.version},
        as_=(held.body_user, Role.AWARDING_BODY),
    )
    redrawn = await api.query(
        PROTOCOL_CREATE,
        {
            "exam": gid("Exam", held.exam.id),
            "input": {"kind": "ASSESSMENT", "group": gid("ExamGroup", group.id)},
        },
        as_=(held.body_user, Role.AWARDING_BODY),
    )

    assert changed["data"]["participantResultRecord"]["userErrors"][0]["code"] == "PROTOCOL_SIGNED"
    assert redrawn["data"]["protocolCreate"]["userErrors"][0]["code"] == "PROTOCOL_SIGNED"
    await participant.refresh_from_db()
    assert participant.result is held.results[participant.id]
    after = (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content
    assert after.startswith(before)  # one signature appended, the rendering untouched


async def test_a_signed_protocol_can_be_regenerated_from_the_data_and_compared(api, held: HeldExam):
    from tortoise import connections

    from models.protocol import Protocol
    from models.workflow.protocol_documents import assessment_data
    from signing.documents import render_assessment_protocol

    [protocol_id] = (await sign_assessments(api, held))[:1]
    protocol = await Protocol.get(id=commission_pk(protocol_id))
    signed = (await ProtocolDocument.get(protocol_id=protocol.id)).content

    again = render_assessment_protocol(
        await assessment_data(protocol, connections.get("default"))
    ).pdf

    # the signatures are incremental revisions appended to exactly these bytes
    assert signed[: len(again)] == again
    assert len(signed) > len(again)
