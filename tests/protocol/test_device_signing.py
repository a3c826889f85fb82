"""Signing with the signer's own device through the API: start gives the hash, the device
signs it (a test key returning what ID-card, Mobile-ID and Smart-ID return), complete embeds
it. Every refusal leaves the stored document as it was."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt

import pytest

from models.enums import Role
from models.protocol import ProtocolDocument, Signature, SigningSession
from signing._issuing import pem_to_der
from signing.pki import DevelopmentPki
from signing.verify import verify_document
from tests.protocol.conftest import HeldExam
from tests.protocol.test_signing_flow import commission_pk, create_assessment
from tests.signing.test_external import device_sign
from tests.signing.validators import assert_openssl_cms_valid, assert_pdfsig_valid, make_nss_db

START = """
mutation($protocol: ID!, $certificate: String!, $rsa: RsaSignatureScheme) {
  protocolSigningStart(protocol: $protocol, certificate: $certificate, rsaScheme: $rsa) {
    sessionId hash hashFunction expiresAt
    userErrors { code field message }
  }
}"""
COMPLETE = """
mutation($session: String!, $signature: String!) {
  protocolSigningComplete(sessionId: $session, signature: $signature) {
    protocol { status signatures { method } }
    userErrors { code field message }
  }
}"""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def start(api, protocol_id, person, credentials, role=Role.ASSESSOR, rsa=None):  # type: ignore[no-untyped-def]
    data = await api.query(
        START,
        {
            "protocol": protocol_id,
            "certificate": b64(pem_to_der(credentials.certificate_pem)),
            "rsa": rsa,
        },
        as_=(person, role),
    )
    return data["data"]["protocolSigningStart"]


async def complete(api, session, signature: bytes, person, role=Role.ASSESSOR):  # type: ignore[no-untyped-def]
    data = await api.query(
        COMPLETE, {"session": session, "signature": b64(signature)}, as_=(person, role)
    )
    return data["data"]["protocolSigningComplete"]


@pytest.mark.parametrize(
    ("key", "scheme", "rsa", "hash_function"),
    [
        ("ec-p256", "ecdsa-raw", None, "SHA-256"),
        ("ec-p384", "ecdsa-raw", None, "SHA-384"),
        ("rsa-2048", "pss", "PSS", "SHA-256"),
        ("rsa-2048", "pkcs1v15", "PKCS1_V15", "SHA-256"),
    ],
)
async def test_a_device_signature_is_verified_and_embedded(
    api, held: HeldExam, test_pki: DevelopmentPki, tmp_path, key, scheme, rsa, hash_function
):
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    member = held.committees[group.id][0]
    credentials = test_pki.person(
        member.personal_code, member.first_name, member.last_name, key=key
    )

    started = await start(api, protocol["id"], member, credentials, rsa=rsa)
    assert started["userErrors"] == []
    assert started["hashFunction"] == hash_function
    signature = device_sign(credentials, base64.b64decode(started["hash"]), hash_function, scheme)
    done = await complete(api, started["sessionId"], signature, member)

    assert done["userErrors"] == []
    assert done["protocol"]["status"] == "SIGNING"
    assert done["protocol"]["signatures"][0]["method"] == "ID_CARD"
    pdf = (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content
    nss = make_nss_db(tmp_path / "nss", test_pki.root_certificate_pem)
    # the validation data (B-LT) follows the signature in its own revision
    assert_pdfsig_valid(pdf, nss, expected_signatures=1, last_covers_all=False)
    assert_openssl_cms_valid(pdf, test_pki.root_certificate_pem, expected_signatures=1)
    report = await verify_document(pdf, trust_roots=[test_pki.root_certificate_pem])
    assert report.valid
    assert report.level == "B-LT"


async def test_refusals_change_nothing(api, held: HeldExam, test_pki, tmp_path):
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    pk = commission_pk(protocol["id"])
    member, colleague = held.committees[group.id][:2]
    mine = test_pki.person(member.personal_code, member.first_name, member.last_name)
    before = (await ProtocolDocument.get(protocol_id=pk)).content
    foreign = DevelopmentPki.create(tmp_path / "foreign").person(
        member.personal_code, member.first_name, member.last_name
    )
    expired = test_pki.person(
        member.personal_code,
        member.first_name,
        member.last_name,
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
    )
    no_signing_use = test_pki.person(
        member.personal_code, member.first_name, member.last_name, key_usage={"digital_signature"}
    )

    # a certificate from an unknown CA, an expired one, one not for signing, someone else's
    assert (await start(api, protocol["id"], member, foreign))["userErrors"][0][
        "code"
    ] == "CERTIFICATE_REJECTED"
    assert (await start(api, protocol["id"], member, expired))["userErrors"][0][
        "code"
    ] == "CERTIFICATE_REJECTED"
    assert (await start(api, protocol["id"], member, no_signing_use))["userErrors"][0][
        "code"
    ] == "CERTIFICATE_REJECTED"
    colleague_cert = test_pki.person(
        colleague.personal_code, colleague.first_name, colleague.last_name
    )
    assert (await start(api, protocol["id"], member, colleague_cert))["userErrors"][0][
        "code"
    ] == "CERTIFICATE_NOT_SIGNERS"
    # a signer who is not designated
    outsider = await start(api, protocol["id"], held.chair, mine, role=Role.COMMISSION_CHAIR)
    assert outsider["userErrors"][0]["code"] == "NOT_A_SIGNER"

    # a wrong signature: the hash of something else
    started = await start(api, protocol["id"], member, mine)
    wrong = device_sign(mine, b"\x01" * 32, "SHA-256", "ecdsa-raw")
    refused = await complete(api, started["sessionId"], wrong, member)
    assert refused["userErrors"][0]["code"] == "SIGNATURE_INVALID"
    # someone else's session is not found for you
    right = device_sign(mine, base64.b64decode(started["hash"]), "SHA-256", "ecdsa-raw")
    stolen = await complete(api, started["sessionId"], right, colleague)
    assert stolen["userErrors"][0]["code"] == "NOT_FOUND"
    # an expired session
    await SigningSession.filter(session_key=started["sessionId"]).update(
        expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    )
    late = await complete(api, started["sessionId"], right, member)
    assert late["userErrors"][0]["code"] == "SESSION_EXPIRED"

    assert (await ProtocolDocument.get(protocol_id=pk)).content == before
    assert not await Signature.filter(protocol_id=pk).exists()


async def test_two_signers_at_once_are_serialised_and_neither_signature_is_lost(
    api, held: HeldExam, test_pki
):
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    first, second = held.committees[group.id][:2]
    keys = {
        p.id: test_pki.person(p.personal_code, p.first_name, p.last_name) for p in (first, second)
    }

    # both start on the same revision
    a, b = await asyncio.gather(
        start(api, protocol["id"], first, keys[first.id]),
        start(api, protocol["id"], second, keys[second.id]),
    )
    sign = {
        first.id: device_sign(keys[first.id], base64.b64decode(a["hash"]), "SHA-256", "ecdsa-raw"),
        second.id: device_sign(
            keys[second.id], base64.b64decode(b["hash"]), "SHA-256", "ecdsa-raw"
        ),
    }
    done_a = await complete(api, a["sessionId"], sign[first.id], first)
    done_b = await complete(api, b["sessionId"], sign[second.id], second)

    # the second was prepared on a revision that no longer is: start again on the new one
    assert done_a["userErrors"] == []
    assert done_b["userErrors"][0]["code"] == "DOCUMENT_CHANGED"
    again = await start(api, protocol["id"], second, keys[second.id])
    signature = device_sign(
        keys[second.id], base64.b64decode(again["hash"]), "SHA-256", "ecdsa-raw"
    )
    assert (await complete(api, again["sessionId"], signature, second))["userErrors"] == []
    signers = await Signature.filter(protocol_id=commission_pk(protocol["id"])).values_list(
        "signer_id", flat=True
    )
    assert sorted(signers) == sorted([first.id, second.id])


@pytest.mark.postgres_only
async def test_two_completions_at_the_same_moment_one_waits_and_is_asked_to_restart(
    api, held: HeldExam, test_pki
):
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    first, second = held.committees[group.id][:2]
    keys = {
        p.id: test_pki.person(p.personal_code, p.first_name, p.last_name) for p in (first, second)
    }
    a = await start(api, protocol["id"], first, keys[first.id])
    b = await start(api, protocol["id"], second, keys[second.id])

    results = await asyncio.gather(
        complete(
            api,
            a["sessionId"],
            device_sign(keys[first.id], base64.b64decode(a["hash"]), "SHA-256", "ecdsa-raw"),
            first,
        ),
        complete(
            api,
            b["sessionId"],
            device_sign(keys[second.id], base64.b64decode(b["hash"]), "SHA-256", "ecdsa-raw"),
            second,
        ),
    )

    codes = sorted(r["userErrors"][0]["code"] if r["userErrors"] else "OK" for r in results)
    assert codes == ["DOCUMENT_CHANGED", "OK"]
    assert await Signature.filter(protocol_id=commission_pk(protocol["id"])).count() == 1


async def test_old_sessions_are_cleared_when_a_new_one_starts(api, held: HeldExam, test_pki):
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    member = held.committees[group.id][0]
    mine = test_pki.person(member.personal_code, member.first_name, member.last_name)
    old = await start(api, protocol["id"], member, mine)
    await SigningSession.filter(session_key=old["sessionId"]).update(
        expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    )

    new = await start(api, protocol["id"], member, mine)

    assert not await SigningSession.filter(session_key=old["sessionId"]).exists()
    assert await SigningSession.filter(session_key=new["sessionId"]).exists()
