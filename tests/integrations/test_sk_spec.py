"""The SK clients and the simulator against the specifications themselves: SK's own example
requests and values (Smart-ID RP API v3 ``RP-API_V3.yml`` and its pages, SK-EID/MID README),
the requests SK refuses with 400, and every end result with its user-error code, spoken over
HTTP with the simulator in its own process."""

from __future__ import annotations

import base64
import copy
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from integrations.sk.common import SkError, smart_id_verification_code
from integrations.sk.mobile_id import (
    END_RESULTS as MID_END_RESULTS,
)
from integrations.sk.mobile_id import (
    MobileIdClient,
    MobileIdConfig,
    display_text_and_format,
)
from integrations.sk.simulator import running_simulator
from integrations.sk.smart_id import (
    END_RESULTS as SID_END_RESULTS,
)
from integrations.sk.smart_id import (
    SmartIdClient,
    SmartIdConfig,
    encode_interactions,
    interactions,
)

PARTY = "00000000-0000-4000-8000-000000000000"  # the examples' relyingPartyUUID
PHONE = "+37200000766"
# RP-API_V3.yml examples: a SHA-512 digest and the interactions of interactions.html Example 1
SPEC_DIGEST = (
    "VC3jDipMw9TgSQrIm3oYuz2t/GciD3Aw2WTpnaGpo+1sdkkRiCnbRz08uqlgU6q1W2/VP6PDxSQlOy5AIxT5Xw=="
)
SPEC_INTERACTIONS = (
    "W3sidHlwZSI6ImNvbmZpcm1hdGlvbk1lc3NhZ2UiLCJkaXNwbGF5VGV4dDIwMCI6IkxvbmdlciBkZXNjcmlwdGlv"
    "biBvZiB0aGUgdHJhbnNhY3Rpb24gY29udGV4dCJ9LHsidHlwZSI6ImRpc3BsYXlUZXh0QW5kUElOIiwiZGlzcGxh"
    "eVRleHQ2MCI6IlNob3J0IGRlc2NyaXB0aW9uIG9mIHRoZSB0cmFuc2FjdGlvbiBjb250ZXh0In1d"
)
SID_SIGNING_EXAMPLE_PSS = {  # NotificationSigningRequestBodyExampleRSAPSS
    "relyingPartyUUID": PARTY,
    "relyingPartyName": "DEMO",
    "certificateLevel": "QUALIFIED",
    "signatureProtocol": "RAW_DIGEST_SIGNATURE",
    "signatureProtocolParameters": {
        "digest": SPEC_DIGEST,
        "signatureAlgorithm": "rsassa-pss",
        "signatureAlgorithmParameters": {"hashAlgorithm": "SHA-512"},
    },
    "nonce": "d8XkbEnA0WsE0PvBZZoxGnPI4ml9qk",
    "interactions": SPEC_INTERACTIONS,
    "requestProperties": {"shareMdClientIpAddress": True},
}
SID_CERTIFICATE_CHOICE_EXAMPLE = {  # NotificationCertificateChoiceRequestBodyExample
    "relyingPartyUUID": PARTY,
    "relyingPartyName": "DEMO",
    "certificateLevel": "QUALIFIED",
    "nonce": "d8XkbEnA0WsE0PvBZZoxGnPI4ml9qk",
    "requestProperties": {"shareMdClientIpAddress": True},
}
MID_SIGNATURE_EXAMPLE = {  # MID README 3.2.4
    "relyingPartyUUID": "00000000-0000-0000-0000-000000000000",
    "relyingPartyName": "DEMO",
    "phoneNumber": "+3726234566",
    "nationalIdentityNumber": "38412319871",
    "hash": "0nbgC2fVdLVQFZJdBbmG7oPoElpCYsQMtrY0c0wKYRg=",
    "hashType": "SHA256",
    "language": "ENG",
    "displayText": "This is display text.",
    "displayTextFormat": "GSM-7",
}
MID_CERTIFICATE_EXAMPLE = {  # MID README 3.1.4
    "relyingPartyUUID": "de305d54-75b4-431b-adb2-eb6b9e546014",
    "relyingPartyName": "BANK123",
    "phoneNumber": "+3726234566",
    "nationalIdentityNumber": "38412319871",
}


# ----- values computed from the specifications' examples ------------------------------------


def test_smart_id_authentication_code_is_the_specification_example():
    # notification_based_flows.html "Verification codes for authentication requests", Example 1
    challenge = base64.b64decode(
        "GYS+yoah6emAcVDNIajwSs6UB/M95XrDxMzXBUkwQJ9YFDipXXzGpPc7raWcuc2+TEoRc7WvIZ/7dU/iRXenYg=="
    )
    assert smart_id_verification_code(challenge) == "7180"


def test_interactions_are_encoded_as_the_specification_examples():
    # interactions.html Example 1 and Example 4 (a non-ASCII character, escaped as JSON does)
    assert (
        encode_interactions(
            [
                {
                    "type": "confirmationMessage",
                    "displayText200": "Longer description of the transaction context",
                },
                {
                    "type": "displayTextAndPIN",
                    "displayText60": "Short description of the transaction context",
                },
            ]
        )
        == SPEC_INTERACTIONS
    )
    assert encode_interactions(
        [
            {
                "type": "confirmationMessage",
                "displayText200": "Applying for mortgage, 100 000€, 20-year period, interest "
                "rate 2.5% + 6 month Euribor rate",
            },
            {"type": "displayTextAndPIN", "displayText60": "Applying for mortgage, 100 000€"},
        ]
    ) == (
        "W3sidHlwZSI6ImNvbmZpcm1hdGlvbk1lc3NhZ2UiLCJkaXNwbGF5VGV4dDIwMCI6IkFwcGx5aW5nIGZvciBtb3J0"
        "Z2FnZSwgMTAwIDAwMFx1MjBhYywgMjAteWVhciBwZXJpb2QsIGludGVyZXN0IHJhdGUgMi41JSArIDYgbW9udGgg"
        "RXVyaWJvciByYXRlIn0seyJ0eXBlIjoiZGlzcGxheVRleHRBbmRQSU4iLCJkaXNwbGF5VGV4dDYwIjoiQXBwbHlp"
        "bmcgZm9yIG1vcnRnYWdlLCAxMDAgMDAwXHUyMGFjIn1d"
    )


def test_our_interactions_fit_the_notification_flow_limits():
    chosen = json.loads(base64.b64decode(interactions("Allkirjasta " + "protokoll " * 30)))
    assert [i["type"] for i in chosen] == ["confirmationMessage", "displayTextAndPIN"]
    assert len(chosen[0]["displayText200"]) == 200
    assert len(chosen[1]["displayText60"]) == 60
    assert set(chosen[0]) == {"type", "displayText200"}  # never both texts
    with pytest.raises(ValueError, match="empty"):
        interactions("  ")


def test_mobile_id_display_text_format_follows_the_alphabet():
    # MID README 3.2.3: GSM-7 up to 100 places (5 extension characters), else UCS-2 up to 50
    assert display_text_and_format("Eksamihaldus: protokoll 12") == (
        "Eksamihaldus: protokoll 12",
        "GSM-7",
    )
    assert display_text_and_format("Ühe ülikooli äri öösel") == ("Ühe ülikooli äri öösel", "GSM-7")
    text, kind = display_text_and_format("Jõgeva protokoll " * 5)
    assert (len(text), kind) == (50, "UCS-2")
    assert display_text_and_format("x" * 150) == ("x" * 100, "GSM-7")
    assert display_text_and_format("{}" * 10) == ("{}{}{", "GSM-7")  # 5 extension characters


def test_configuration_is_refused_where_sk_would_refuse_it():
    with pytest.raises(ValueError, match="UUID"):
        SmartIdConfig("http://127.0.0.1:1/v3", "uuid", "DEMO")
    with pytest.raises(ValueError, match="UUID"):  # MID: "only small caps are allowed"
        MobileIdConfig("http://127.0.0.1:1/mid-api", "DE305D54-75B4-431B-ADB2-EB6B9E546014", "DEMO")
    with pytest.raises(ValueError, match="32 bytes"):
        SmartIdConfig("http://127.0.0.1:1/v3", PARTY, "Õ" * 17)
    with pytest.raises(ValueError, match="language"):
        MobileIdConfig("http://127.0.0.1:1/mid-api", PARTY, "DEMO", language="FIN")


# ----- the simulator answers as SK does -------------------------------------------------------


@pytest.fixture(scope="module")
def simulator_url(test_pki) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with running_simulator(test_pki.directory) as url:
        yield url


@pytest.fixture
async def sim(simulator_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=simulator_url, timeout=30) as client:
        await client.post("/_sim/reset")
        await client.put("/_sim/behaviour", json={"confirm": "delay", "delaySeconds": 0.05})
        yield client


async def _enrol(sim: httpx.AsyncClient, code: str, phone: str | None = PHONE) -> None:
    account = {"personalCode": code, "firstName": "Mari", "lastName": "Maasikas"}
    (await sim.post("/_sim/accounts", json={**account, "phoneNumber": phone})).raise_for_status()


CODE = "48001010007"
DOCUMENT = f"PNOEE-{CODE}-MOCK-Q"
SIGN = f"/smart-id/v3/signature/notification/document/{DOCUMENT}"
CHOOSE = f"/smart-id/v3/signature/certificate-choice/notification/etsi/PNOEE-{CODE}"


def _without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    *parents, last = path
    target = changed
    for name in parents:
        target = target[name]
    del target[last]
    return changed


def _with(body: dict[str, Any], value: Any, *path: str) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    *parents, last = path
    target = changed
    for name in parents:
        target = target[name]
    target[last] = value
    return changed


def _assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    problem = response.json()  # RFC 9457 (ExtendedProblemDetailsJson)
    assert problem["status"] == status
    assert problem["type"] == "about:blank"
    assert problem["title"]
    assert problem["detail"]


async def test_smart_id_takes_the_specification_examples(sim):
    await _enrol(sim, CODE)
    choice = await sim.post(CHOOSE, json=SID_CERTIFICATE_CHOICE_EXAMPLE)
    assert choice.status_code == 200
    uuid.UUID(choice.json()["sessionID"])
    for body in (
        SID_SIGNING_EXAMPLE_PSS,
        # NotificationSigningRequestBodyExamplePKCS1v15
        _with(
            _without(
                SID_SIGNING_EXAMPLE_PSS,
                "signatureProtocolParameters",
                "signatureAlgorithmParameters",
            ),
            "sha512WithRSAEncryption",
            "signatureProtocolParameters",
            "signatureAlgorithm",
        ),
    ):
        started = await sim.post(SIGN, json=body)
        assert started.status_code == 200, started.text
        assert set(started.json()) == {"sessionID", "vc"}
        assert started.json()["vc"]["type"] == "numeric4"
        assert len(started.json()["vc"]["value"]) == 4
    # the certificate of a known document (CertificateResponse) and SigningCertificateRequestBody
    known = await sim.post(
        f"/smart-id/v3/signature/certificate/{DOCUMENT}",
        json={"relyingPartyUUID": PARTY, "relyingPartyName": "DEMO"},
    )
    assert known.json()["state"] == "OK"
    assert known.json()["cert"]["certificateLevel"] == "QUALIFIED"


@pytest.mark.parametrize(
    "change",
    [
        lambda b: _without(b, "relyingPartyUUID"),
        lambda b: _without(b, "relyingPartyName"),
        lambda b: _without(b, "signatureProtocol"),
        lambda b: _without(b, "signatureProtocolParameters"),
        lambda b: _without(b, "signatureProtocolParameters", "digest"),
        lambda b: _without(b, "signatureProtocolParameters", "signatureAlgorithm"),
        lambda b: _without(b, "interactions"),
        # rsassa-pss needs signatureAlgorithmParameters.hashAlgorithm
        lambda b: _without(b, "signatureProtocolParameters", "signatureAlgorithmParameters"),
        lambda b: _with(b, "SHA-1", "signatureProtocolParameters", "signatureAlgorithmParameters",
                        "hashAlgorithm"),
        lambda b: _with(b, "not-a-uuid", "relyingPartyUUID"),
        lambda b: _with(b, "R" * 33, "relyingPartyName"),
        lambda b: _with(b, "ACSP_V2", "signatureProtocol"),
        lambda b: _with(b, "sha1WithRSAEncryption", "signatureProtocolParameters",
                        "signatureAlgorithm"),
        lambda b: _with(b, "", "nonce"),
        lambda b: _with(b, "n" * 31, "nonce"),
        lambda b: _with(b, "BASIC", "certificateLevel"),
        # a SHA-256 digest announced as SHA-512
        lambda b: _with(b, base64.b64encode(bytes(32)).decode(), "signatureProtocolParameters",
                        "digest"),
        # interactions: the 3.0 array shape, unknown, removed or repeated types, texts
        lambda b: _with(b, json.loads(base64.b64decode(SPEC_INTERACTIONS)), "interactions"),
        lambda b: _with(b, encode_interactions([]), "interactions"),
        lambda b: _with(b, encode_interactions([{"type": "verificationCodeChoice",
                                                 "displayText60": "x"}]), "interactions"),
        lambda b: _with(b, encode_interactions([{"type": "displayTextAndPIN",
                                                 "displayText60": "x" * 61}]), "interactions"),
        lambda b: _with(b, encode_interactions([{"type": "displayTextAndPIN",
                                                 "displayText60": ""}]), "interactions"),
        lambda b: _with(b, encode_interactions([{"type": "confirmationMessage",
                                                 "displayText200": "x", "displayText60": "x"}]),
                        "interactions"),
        lambda b: _with(b, encode_interactions([{"type": "displayTextAndPIN",
                                                 "displayText60": "x"}] * 2), "interactions"),
    ],
)  # fmt: skip
async def test_smart_id_refuses_a_malformed_signature_request_with_400(sim, change):
    await _enrol(sim, CODE)
    _assert_problem(await sim.post(SIGN, json=change(SID_SIGNING_EXAMPLE_PSS)), 400)
    assert (await sim.get("/_sim/sessions")).json() == []


async def test_smart_id_paths_and_sessions(sim):
    await _enrol(sim, CODE)
    for field in ("relyingPartyUUID", "relyingPartyName"):
        _assert_problem(
            await sim.post(CHOOSE, json=_without(SID_CERTIFICATE_CHOICE_EXAMPLE, field)), 400
        )
    # RP API 3.0's path is not RP API 3.1's
    old = await sim.post(
        f"/smart-id/v3/certificatechoice/notification/etsi/PNOEE-{CODE}",
        json=SID_CERTIFICATE_CHOICE_EXAMPLE,
    )
    assert old.status_code == 404
    # somebody without an account; a document that does not exist
    _assert_problem(
        await sim.post(CHOOSE.replace(CODE, "38001010008"), json=SID_CERTIFICATE_CHOICE_EXAMPLE),
        404,
    )
    _assert_problem(await sim.post(SIGN.replace("MOCK", "XXXX"), json=SID_SIGNING_EXAMPLE_PSS), 404)
    # long poll bounds (timeoutMs: 1000..120000) and unknown sessions
    session = (await sim.post(SIGN, json=SID_SIGNING_EXAMPLE_PSS)).json()["sessionID"]
    for bad in ("999", "120001", "soon"):
        _assert_problem(
            await sim.get(f"/smart-id/v3/session/{session}", params={"timeoutMs": bad}), 400
        )
    _assert_problem(
        await sim.get(f"/smart-id/v3/session/{uuid.uuid4()}", params={"timeoutMs": 1000}), 404
    )
    done = await sim.get(f"/smart-id/v3/session/{session}", params={"timeoutMs": 1000})
    assert done.json()["state"] == "COMPLETE"
    signature = done.json()["signature"]
    assert signature["flowType"] == "Notification"
    assert signature["signatureAlgorithmParameters"] == {
        "hashAlgorithm": "SHA-512",
        "maskGenAlgorithm": {"algorithm": "id-mgf1", "parameters": {"hashAlgorithm": "SHA-512"}},
        "saltLength": 64,
        "trailerField": "0xbc",
    }
    assert done.json()["interactionTypeUsed"] == "confirmationMessage"  # the first one asked


async def test_smart_id_3_2_names_the_missing_qualified_account(sim):
    await _enrol(sim, CODE)
    await sim.put("/_sim/behaviour", json={"noSuitableAccount": True})
    refused = await sim.post(CHOOSE, json=SID_CERTIFICATE_CHOICE_EXAMPLE)
    _assert_problem(refused, 404)
    assert refused.json()["errors"][0]["code"] == "NO_SUITABLE_ACCOUNT_FOUND"


async def test_mobile_id_takes_the_specification_examples(sim):
    certificate = await sim.post("/mid-api/certificate", json=MID_CERTIFICATE_EXAMPLE)
    assert certificate.status_code == 200
    assert certificate.json()["result"] == "NOT_FOUND"  # 3.1.7: not a client is still a 200
    started = await sim.post("/mid-api/signature", json=MID_SIGNATURE_EXAMPLE)
    assert started.status_code == 200
    session = started.json()["sessionID"]
    done = await sim.get(f"/mid-api/signature/session/{session}", params={"timeoutMs": 1000})
    assert (done.json()["state"], done.json()["result"]) == ("COMPLETE", "NOT_MID_CLIENT")
    # 3.3.4: too short a long poll silently becomes the shortest
    assert (
        await sim.get(f"/mid-api/signature/session/{session}", params={"timeoutMs": 1})
    ).status_code == 200
    missing = await sim.get(f"/mid-api/signature/session/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["error"] == "SessionID not found"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: _without(b, "relyingPartyUUID"), "relyingPartyUUID"),
        (lambda b: _without(b, "relyingPartyName"), "relyingPartyName"),
        (lambda b: _without(b, "phoneNumber"), "phoneNumber"),
        (lambda b: _without(b, "nationalIdentityNumber"), "nationalIdentityNumber"),
        (lambda b: _without(b, "hash"), "hash"),
        (lambda b: _without(b, "hashType"), "hashType"),
        (lambda b: _without(b, "language"), "language"),
        (lambda b: _with(b, "SHA-256", "hashType"), "hashType"),
        (lambda b: _with(b, "FIN", "language"), "language"),
        (lambda b: _with(b, "SHA512", "hashType"), "The length of the hash must match"),
        (lambda b: _with(b, "not base64!", "hash"), "Hash must be Base64 encoded"),
        (lambda b: _with(b, "x" * 101, "displayText"), "displayText"),
        (lambda b: _with(_with(b, "õ" * 51, "displayText"), "UCS-2", "displayTextFormat"),
         "displayText"),
        (lambda b: _with(b, "UTF-8", "displayTextFormat"), "displayTextFormat"),
    ],
)  # fmt: skip
async def test_mobile_id_refuses_a_malformed_signature_request_with_400(sim, change, message):
    refused = await sim.post("/mid-api/signature", json=change(MID_SIGNATURE_EXAMPLE))
    assert refused.status_code == 400
    assert message in refused.json()["error"]
    assert set(refused.json()) == {"error", "time", "traceId"}  # README 3.2.7


@pytest.mark.parametrize("field", ["relyingPartyUUID", "relyingPartyName", "phoneNumber",
                                   "nationalIdentityNumber"])  # fmt: skip
async def test_mobile_id_refuses_a_malformed_certificate_request_with_400(sim, field):
    refused = await sim.post("/mid-api/certificate", json=_without(MID_CERTIFICATE_EXAMPLE, field))
    assert refused.status_code == 400
    assert field in refused.json()["error"]


# ----- our clients through the simulator: every end result has its code -----------------------


@pytest.fixture
async def smart_id(simulator_url: str) -> AsyncIterator[SmartIdClient]:
    client = SmartIdClient(
        SmartIdConfig(f"{simulator_url}/smart-id/v3", PARTY, "DEMO", long_poll_ms=1000)
    )
    yield client
    await client.aclose()


@pytest.fixture
async def mobile_id(simulator_url: str) -> AsyncIterator[MobileIdClient]:
    client = MobileIdClient(
        MobileIdConfig(f"{simulator_url}/mid-api", PARTY, "DEMO", long_poll_ms=1000)
    )
    yield client
    await client.aclose()


async def _until_done(client: SmartIdClient | MobileIdClient, session_id: str):  # type: ignore[no-untyped-def]
    for _ in range(20):
        answer = await client.status(session_id)
        if not answer.running:
            return answer
    raise AssertionError("the session did not end")


async def test_smart_id_signs_with_pss_and_shows_sks_code(sim, smart_id):
    await _enrol(sim, CODE)
    signer = await smart_id.signer(CODE)
    assert signer.document_number == DOCUMENT
    digest = hashes.Hash(hashes.SHA256())
    digest.update(b"protokoll")
    value = digest.finalize()
    session_id, code = await smart_id.start_signature(
        signer, value, "SHA-256", "Eksamihaldus: protokoll 1"
    )
    [shown] = (await sim.get("/_sim/sessions")).json()
    assert (shown["id"], shown["verificationCode"]) == (session_id, code)
    answer = await _until_done(smart_id, session_id)
    assert answer.error_code is None
    assert answer.signature is not None
    assert answer.certificate == signer.certificate
    key = x509.load_der_x509_certificate(signer.certificate).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    key.verify(
        answer.signature,
        value,
        padding.PSS(padding.MGF1(hashes.SHA256()), salt_length=32),
        utils.Prehashed(hashes.SHA256()),
    )


async def test_mobile_id_signs_and_its_code_is_from_the_hash(sim, mobile_id):
    await _enrol(sim, CODE)
    certificate = await mobile_id.certificate(PHONE, CODE)
    value = bytes(range(48))
    session_id, code = await mobile_id.start_signature(
        PHONE, CODE, value, "SHA-384", "Jõgeva protokoll"
    )
    [shown] = (await sim.get("/_sim/sessions")).json()
    assert shown["verificationCode"] == code
    answer = await _until_done(mobile_id, session_id)
    assert answer.signature is not None
    assert answer.certificate is None  # signing returns no certificate
    key = x509.load_der_x509_certificate(certificate).public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    half = len(answer.signature) // 2
    der = utils.encode_dss_signature(
        int.from_bytes(answer.signature[:half], "big"),
        int.from_bytes(answer.signature[half:], "big"),
    )
    key.verify(der, value, ec.ECDSA(utils.Prehashed(hashes.SHA384())))


@pytest.mark.parametrize("end_result", sorted(SID_END_RESULTS))
async def test_every_smart_id_end_result_has_its_code(sim, smart_id, end_result):
    await _enrol(sim, CODE)
    await sim.put(
        "/_sim/behaviour", json={"confirm": "delay", "delaySeconds": 0.05, "endResult": end_result}
    )
    signer = await smart_id.signer(CODE)
    session_id, _ = await smart_id.start_signature(signer, bytes(32), "SHA-256", "protokoll")
    answer = await _until_done(smart_id, session_id)
    assert answer.error_code == SID_END_RESULTS[end_result]
    assert answer.signature is None


@pytest.mark.parametrize("end_result", ["USER_REFUSED_CERT_CHOICE", "TIMEOUT", "DOCUMENT_UNUSABLE"])
async def test_a_certificate_choice_that_ends_badly_has_its_code(sim, smart_id, end_result):
    await _enrol(sim, CODE)
    await sim.put("/_sim/behaviour", json={"certificateChoiceEndResult": end_result})
    with pytest.raises(SkError) as refused:
        await smart_id.signer(CODE)
    assert refused.value.code == SID_END_RESULTS[end_result]


@pytest.mark.parametrize(
    ("behaviour", "code"),
    [
        ({"startStatus": 400}, "SIGNING_SERVICE_ERROR"),
        ({"startStatus": 401}, "SIGNING_SERVICE_UNAUTHORIZED"),
        ({"startStatus": 403}, "SIGNING_SERVICE_UNAUTHORIZED"),
        ({"startStatus": 404}, "SIGNING_ACCOUNT_NOT_FOUND"),
        ({"noSuitableAccount": True}, "SMART_ID_NO_QUALIFIED_ACCOUNT"),
        ({"startStatus": 471}, "SMART_ID_NO_QUALIFIED_ACCOUNT"),
        ({"startStatus": 472}, "SMART_ID_ACCOUNT_ACTION_NEEDED"),
        ({"startStatus": 480}, "SIGNING_CLIENT_OUTDATED"),
        ({"startStatus": 500}, "SIGNING_SERVICE_UNAVAILABLE"),
        ({"startStatus": 580}, "SIGNING_SERVICE_MAINTENANCE"),
    ],
)
async def test_every_smart_id_http_error_has_its_code(sim, smart_id, behaviour, code):
    await _enrol(sim, CODE)
    await sim.put("/_sim/behaviour", json=behaviour)
    with pytest.raises(SkError) as refused:
        await smart_id.signer(CODE)
    assert refused.value.code == code


async def test_an_unknown_smart_id_session_is_not_a_missing_account(sim, smart_id):
    with pytest.raises(SkError) as refused:
        await smart_id.status(str(uuid.uuid4()))
    assert refused.value.code == "SIGNING_SERVICE_ERROR"


@pytest.mark.parametrize("end_result", sorted(MID_END_RESULTS))
async def test_every_mobile_id_end_result_has_its_code(sim, mobile_id, end_result):
    await _enrol(sim, CODE)
    await sim.put(
        "/_sim/behaviour", json={"confirm": "delay", "delaySeconds": 0.05, "endResult": end_result}
    )
    session_id, _ = await mobile_id.start_signature(PHONE, CODE, bytes(32), "SHA-256", "protokoll")
    answer = await _until_done(mobile_id, session_id)
    assert answer.error_code == MID_END_RESULTS[end_result]


async def test_mobile_id_for_someone_who_is_not_a_client(sim, mobile_id):
    stranger = "38001010008"  # nobody enrolled them
    with pytest.raises(SkError) as refused:
        await mobile_id.certificate(PHONE, stranger)
    assert refused.value.code == "SIGNING_ACCOUNT_NOT_FOUND"
    session_id, _ = await mobile_id.start_signature(
        PHONE, stranger, bytes(32), "SHA-256", "protokoll"
    )
    assert (await _until_done(mobile_id, session_id)).error_code == "SIGNING_ACCOUNT_NOT_FOUND"


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, "SIGNING_SERVICE_UNAUTHORIZED"), (405, "SIGNING_SERVICE_ERROR"),
     (500, "SIGNING_SERVICE_UNAVAILABLE")],
)  # fmt: skip
async def test_every_mobile_id_http_error_has_its_code(sim, mobile_id, status, code):
    await _enrol(sim, CODE)
    await sim.put("/_sim/behaviour", json={"startStatus": status})
    with pytest.raises(SkError) as refused:
        await mobile_id.certificate(PHONE, CODE)
    assert refused.value.code == code


# ----- what our client refuses in SK's answers (response_verification.html) ------------------

OK_ANSWER: dict[str, Any] = {  # RawDigestSignatureResponseExampleRSAPSS, shortened values
    "state": "COMPLETE",
    "result": {"endResult": "OK", "documentNumber": "PNOEE-30001010004-BVFM-Q"},
    "signatureProtocol": "RAW_DIGEST_SIGNATURE",
    "signature": {
        "value": "AAEC",
        "flowType": "Notification",
        "signatureAlgorithm": "rsassa-pss",
        "signatureAlgorithmParameters": {
            "hashAlgorithm": "SHA3-512",
            "maskGenAlgorithm": {
                "algorithm": "id-mgf1",
                "parameters": {"hashAlgorithm": "SHA3-512"},
            },
            "saltLength": 64,
            "trailerField": "0xbc",
        },
    },
    "cert": {"value": "AAEC", "certificateLevel": "QUALIFIED"},
    "interactionTypeUsed": "displayTextAndPIN",
    "deviceIpAddress": "203.0.113.34",
    "somethingNew": {"clients": "ignore unknown fields"},
}


def _answering(body: dict[str, Any]) -> SmartIdClient:
    """A client whose HTTP answers are ``body`` (SK's side replaced, our code as it is)."""
    client = SmartIdClient(SmartIdConfig("http://127.0.0.1:9/v3", PARTY, "DEMO"))
    client.http = httpx.AsyncClient(
        base_url="http://127.0.0.1:9/v3",
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json=body)),
    )
    return client


async def test_the_specification_ok_answer_is_accepted():
    client = _answering(OK_ANSWER)
    answer = await client.status("x")
    assert (answer.signature, answer.certificate) == (b"\0\1\2", b"\0\1\2")
    await client.aclose()


@pytest.mark.parametrize(
    "change",
    [
        lambda b: _without(b, "signatureProtocol"),
        lambda b: _with(b, "ACSP_V2", "signatureProtocol"),
        lambda b: _without(b, "signature"),
        lambda b: _without(b, "cert"),
        lambda b: _without(b, "result", "documentNumber"),
        lambda b: _with(b, "sha512WithRSAEncryption", "signature", "signatureAlgorithm"),
        lambda b: _without(b, "signature", "signatureAlgorithmParameters"),
        lambda b: _with(b, 32, "signature", "signatureAlgorithmParameters", "saltLength"),
        lambda b: _with(b, "SHA-256", "signature", "signatureAlgorithmParameters",
                        "maskGenAlgorithm", "parameters", "hashAlgorithm"),
        lambda b: _with(b, "not base64!", "signature", "value"),
        lambda b: _with(b, "WAITING", "state"),
    ],
)  # fmt: skip
async def test_an_ok_answer_that_fails_verification_is_a_service_error(change):
    client = _answering(change(OK_ANSWER))
    with pytest.raises(SkError) as refused:
        await client.status("x")
    assert refused.value.code == "SIGNING_SERVICE_ERROR"
    await client.aclose()


async def test_an_advanced_certificate_is_not_qualified():
    client = _answering(_with(OK_ANSWER, "ADVANCED", "cert", "certificateLevel"))
    with pytest.raises(SkError) as refused:
        await client.status("x")
    assert refused.value.code == "SMART_ID_NO_QUALIFIED_ACCOUNT"
    await client.aclose()


@pytest.mark.parametrize(
    "vc",
    [None, {"type": "numeric4"}, {"type": "alphaNumeric4", "value": "4927"},
     {"type": "numeric4", "value": "49270"}],
)  # fmt: skip
async def test_a_signature_start_without_a_usable_code_is_a_service_error(vc):
    from integrations.sk.smart_id import SmartIdSigner

    body: dict[str, Any] = {"sessionID": "56e1c1d0-dc07-4c71-890b-6200856b8c75"}
    if vc is not None:
        body["vc"] = vc
    client = _answering(body)
    with pytest.raises(SkError) as refused:
        await client.start_signature(SmartIdSigner("PNOEE-1-X-Q", b""), bytes(32), "SHA-256", "x")
    assert refused.value.code == "SIGNING_SERVICE_ERROR"
    await client.aclose()
    # NotificationSigningResponseExample: shown as received
    client = _answering({**body, "vc": {"type": "numeric4", "value": "4927"}})
    signer = SmartIdSigner("PNOEE-1-X-Q", b"")
    assert await client.start_signature(signer, bytes(32), "SHA-256", "x") == (
        body["sessionID"],
        "4927",
    )
    await client.aclose()
