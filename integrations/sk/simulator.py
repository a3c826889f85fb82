"""A local stand-in for SK's Smart-ID (RP API v3) and Mobile-ID (MID REST) services.

A development and test tool, never for production: it answers on loopback only, signs with
development-PKI person certificates (``signing.pki.DevelopmentPki``) of the accounts it was
told about, and can confirm after a delay, on command, or answer with each error.

Routes: ``/smart-id/v3/...`` (RP API 3.1/3.2: ``signature/certificate-choice/notification/
etsi/<id>``, ``signature/certificate/<document>``, ``signature/notification/document/
<document>``, ``session/<id>``) and ``/mid-api/...`` (``certificate``, ``signature``,
``signature/session/<id>``) as SK's services, which check requests as SK does (a missing or
malformed field is a 400; Smart-ID errors are RFC 9457 problem details, Mobile-ID's
``{"error", "time", "traceId"}``); ``/_sim/...`` to steer it:

- ``POST /_sim/accounts`` ``{"personalCode", "firstName", "lastName", "phoneNumber"}``
- ``PUT /_sim/behaviour`` ``{"personalCode": null (everyone) or a code, "confirm": "delay" |
  "command", "delaySeconds", "endResult" (e.g. ``USER_REFUSED``, ``SIM_ERROR``),
  "certificateChoiceEndResult" (Smart-ID, e.g. ``USER_REFUSED_CERT_CHOICE``), "startStatus"
  (HTTP status of the first request, e.g. 480; 471/472 as RP API <= 3.1 had them),
  "noSuitableAccount" (Smart-ID 3.2's 404 ``NO_SUITABLE_ACCOUNT_FOUND``), "malformed",
  "badSignature", "otherCertificate", "hangSeconds"}``
- ``GET /_sim/sessions``, ``POST /_sim/sessions/<id>/confirm`` (optional ``{"endResult"}``)

Run: ``python -m integrations.sk.simulator --pki var/pki --port 8089``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import datetime as dt
import json
import re
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from integrations.sk.common import mobile_id_verification_code
from signing._issuing import pem_to_der
from signing.pki import Credentials, DevelopmentPki
from signing.tsa_server import free_port, stop_process, wait_until_listening

__all__ = ["Behaviour", "Simulator", "create_simulator_app", "running_simulator"]

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA-256": hashes.SHA256,
    "SHA-384": hashes.SHA384,
    "SHA-512": hashes.SHA512,
    "SHA3-256": hashes.SHA3_256,
    "SHA3-384": hashes.SHA3_384,
    "SHA3-512": hashes.SHA3_512,
    "SHA256": hashes.SHA256,
    "SHA384": hashes.SHA384,
    "SHA512": hashes.SHA512,
}
# RP API v3 SignatureAlgorithm: rsassa-pss (its hash in signatureAlgorithmParameters) and the
# deprecated PKCS#1 v1.5 names (the hash in the name).
_PKCS1 = {
    "sha256WithRSAEncryption": "SHA-256",
    "sha384WithRSAEncryption": "SHA-384",
    "sha512WithRSAEncryption": "SHA-512",
}
_SID_LEVELS = ("ADVANCED", "QUALIFIED", "QSCD")
# Interactions allowed in notification-based flows (InteractionsNotificationBased) and the
# text each carries with its longest length (interactions.html).
_SID_INTERACTIONS = {
    "displayTextAndPIN": ("displayText60", 60),
    "confirmationMessage": ("displayText200", 200),
    "confirmationMessageAndVerificationCodeChoice": ("displayText200", 200),
}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_BASE64 = re.compile(r"[a-zA-Z0-9+/]+={0,2}")
# Someone who is nobody's account: "otherCertificate" answers with this person's certificate.
_STRANGER = ("39912319997", "Võõras", "Isik")


@dataclass
class Behaviour:
    confirm: str = "delay"  # "delay" or "command"
    delaySeconds: float = 1.0  # noqa: N815 - the JSON name
    endResult: str = "OK"  # noqa: N815
    certificateChoiceEndResult: str = "OK"  # noqa: N815
    startStatus: int | None = None  # noqa: N815
    noSuitableAccount: bool = False  # noqa: N815
    malformed: bool = False
    badSignature: bool = False  # noqa: N815
    otherCertificate: bool = False  # noqa: N815
    hangSeconds: float = 0.0  # noqa: N815


@dataclass
class Account:
    personal_code: str
    first_name: str
    last_name: str
    phone_number: str | None


@dataclass
class Session:
    id: str
    service: str  # "smart-id", "smart-id-certificate" or "mobile-id"
    personal_code: str
    behaviour: Behaviour
    credentials: Credentials | None = None
    digest: bytes = b""
    hash_name: str = "SHA-256"
    algorithm: str = "rsassa-pss"  # Smart-ID signatureAlgorithm
    interaction: str = "displayTextAndPIN"  # the first one asked for (the app knows them all)
    verification_code: str | None = None
    complete_at: float | None = None
    end_result: str | None = None
    answer: dict[str, Any] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Simulator:
    """The simulator's state: accounts, behaviours, sessions."""

    def __init__(self, pki: DevelopmentPki) -> None:
        self.pki = pki
        self.accounts: dict[str, Account] = {}
        self.behaviours: dict[str | None, Behaviour] = {None: Behaviour()}
        self.sessions: dict[str, Session] = {}

    def behaviour(self, personal_code: str) -> Behaviour:
        return self.behaviours.get(personal_code) or self.behaviours[None]

    def credentials(self, personal_code: str, key: str, behaviour: Behaviour) -> Credentials:
        if behaviour.otherCertificate:
            return self.pki.person(*_STRANGER, key=key)
        account = self.accounts[personal_code]
        return self.pki.person(personal_code, account.first_name, account.last_name, key=key)

    def new_session(self, service: str, personal_code: str, **values: Any) -> Session:
        behaviour = self.behaviour(personal_code)
        # Both services name sessions with UUIDs (RP API v3 SessionID: format uuid).
        session = Session(str(uuid.uuid4()), service, personal_code, behaviour, **values)
        if behaviour.confirm == "delay":
            session.complete_at = time.monotonic() + behaviour.delaySeconds
        self.sessions[session.id] = session
        # Finished sessions are kept for a while (SK keeps them five minutes).
        if len(self.sessions) > 10_000:
            for key in list(self.sessions)[:1000]:
                del self.sessions[key]
        return session

    def finish(self, session: Session, end_result: str | None = None) -> None:
        if session.done.is_set():
            return
        session.end_result = end_result or session.behaviour.endResult
        session.done.set()

    async def wait(self, session: Session, timeout_ms: int) -> None:
        """Long poll: until the session ends or ``timeout_ms`` passes."""
        if session.done.is_set():
            return
        budget = timeout_ms / 1000
        if session.complete_at is not None:
            left = session.complete_at - time.monotonic()
            if left <= budget:
                await asyncio.sleep(max(0.0, left))
                self.finish(session)
                return
        try:
            await asyncio.wait_for(session.done.wait(), budget)
        except TimeoutError:
            pass


def _sign(session: Session) -> bytes:
    """The device's signature over the digest, as the real service returns it: Smart-ID
    RSASSA-PSS (salt as long as the hash) or PKCS#1 v1.5 as asked; Mobile-ID PKCS#1 v1.5 for
    RSA (``SHA256WithRSAEncryption``), ECDSA as r||s for EC."""
    assert session.credentials is not None
    key = serialization.load_pem_private_key(session.credentials.private_key_pem, None)
    digest = session.digest
    hash_algorithm = _HASHES[session.hash_name]()
    if session.behaviour.badSignature:
        digest = bytes(len(digest))
    if isinstance(key, rsa.RSAPrivateKey):
        scheme: padding.AsymmetricPadding = padding.PKCS1v15()
        if session.service == "smart-id" and session.algorithm == "rsassa-pss":
            scheme = padding.PSS(
                padding.MGF1(hash_algorithm), salt_length=hash_algorithm.digest_size
            )
        return key.sign(digest, scheme, utils.Prehashed(hash_algorithm))
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    der = key.sign(digest, ec.ECDSA(utils.Prehashed(hash_algorithm)))
    r, s = utils.decode_dss_signature(der)
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Invalid(ValueError):
    """A request the service refuses with 400; the message says why."""


def _problem(status: int, detail: str, errors: list[dict[str, str]] | None = None) -> Response:
    """Smart-ID's error answer: RFC 9457 problem details (RP-API_V3.yml
    ExtendedProblemDetailsJson)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error",
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status)


def _mid_error(status: int, message: str) -> Response:
    """Mobile-ID's error answer (MID README 3.2.7): the message, time and a trace id."""
    return JSONResponse(
        {"error": message, "time": _mid_time(), "traceId": secrets.token_hex(8)},
        status_code=status,
    )


def _mid_time() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _string(data: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise Invalid(f"{name} cannot be null.")
        return None
    if not isinstance(value, str):
        raise Invalid(f"{name} must be a string.")
    return value


def _sid_party(data: dict[str, Any]) -> None:
    """The fields every RP API v3 session request has (relyingPartyUUID, relyingPartyName,
    certificateLevel, nonce, requestProperties, capabilities)."""
    if not _UUID.fullmatch(_string(data, "relyingPartyUUID") or ""):
        raise Invalid("relyingPartyUUID must be a UUID")
    name = _string(data, "relyingPartyName") or ""
    if not name or len(name.encode()) > 32:
        raise Invalid("relyingPartyName must be 1..32 bytes")
    if data.get("certificateLevel", "QUALIFIED") not in _SID_LEVELS:
        raise Invalid("certificateLevel must be ADVANCED, QUALIFIED or QSCD")
    nonce = data.get("nonce")
    if nonce is not None and not (isinstance(nonce, str) and 1 <= len(nonce) <= 30):
        raise Invalid("nonce must be 1..30 characters")
    if not isinstance(data.get("requestProperties", {}), dict):
        raise Invalid("requestProperties must be an object")
    capabilities = data.get("capabilities", [])
    if not isinstance(capabilities, list) or not all(isinstance(c, str) for c in capabilities):
        raise Invalid("capabilities must be an array of strings")


def _sid_signature_request(data: dict[str, Any]) -> tuple[bytes, str, str, str]:
    """A notification signature request checked as RP API v3 does; returns the digest, its
    hash, the signature algorithm and the first interaction asked for."""
    _sid_party(data)
    if data.get("signatureProtocol") != "RAW_DIGEST_SIGNATURE":
        raise Invalid("signatureProtocol must be RAW_DIGEST_SIGNATURE")
    parameters = data.get("signatureProtocolParameters")
    if not isinstance(parameters, dict):
        raise Invalid("signatureProtocolParameters cannot be null.")
    encoded = _string(parameters, "digest") or ""
    if not (44 <= len(encoded) <= 88 and _BASE64.fullmatch(encoded)):
        raise Invalid("digest must be Base64 of 44..88 characters")
    digest = base64.b64decode(encoded)
    algorithm = _string(parameters, "signatureAlgorithm") or ""
    if algorithm == "rsassa-pss":
        algorithm_parameters = parameters.get("signatureAlgorithmParameters")
        if not isinstance(algorithm_parameters, dict):
            raise Invalid("rsassa-pss needs signatureAlgorithmParameters")
        hash_name = algorithm_parameters.get("hashAlgorithm")
        if hash_name not in _HASHES or "-" not in str(hash_name):
            raise Invalid("signatureAlgorithmParameters.hashAlgorithm is not supported")
    elif algorithm in _PKCS1:
        hash_name = _PKCS1[algorithm]
    else:
        raise Invalid("signatureAlgorithm is not supported")
    if len(digest) != _HASHES[str(hash_name)]().digest_size:
        raise Invalid("digest length does not match the hash algorithm")
    return digest, str(hash_name), algorithm, _sid_interactions(data.get("interactions"))


def _sid_interactions(value: object) -> str:
    """``interactions``: Base64 of a JSON array (interactions.html "Requirements for
    interactions object"); returns the first type."""
    if not isinstance(value, str) or not _BASE64.fullmatch(value):
        raise Invalid("interactions must be a Base64-encoded JSON array")
    try:
        chosen = json.loads(base64.b64decode(value, validate=True))
    except ValueError as e:
        raise Invalid("interactions must be a Base64-encoded JSON array") from e
    if not isinstance(chosen, list) or not chosen:
        raise Invalid("interactions must be a non-empty JSON array")
    seen: set[str] = set()
    for interaction in chosen:
        kind = interaction.get("type") if isinstance(interaction, dict) else None
        if kind not in _SID_INTERACTIONS or kind in seen:
            raise Invalid(f"interaction type {kind!r} is not allowed here or repeats")
        seen.add(kind)
        text_name, longest = _SID_INTERACTIONS[kind]
        other = "displayText60" if text_name == "displayText200" else "displayText200"
        text = interaction.get(text_name)
        if other in interaction or not isinstance(text, str) or not 1 <= len(text) <= longest:
            raise Invalid(f"{kind} needs {text_name} of 1..{longest} characters and no {other}")
    return str(chosen[0]["type"])


def _gsm7_places(text: str) -> tuple[int, int] | None:
    """Places and extension characters of a GSM-7 text; ``None`` if it is not GSM-7."""
    from integrations.sk.mobile_id import _GSM7, _GSM7_EXTENSION

    if not all(c in _GSM7 or c in _GSM7_EXTENSION for c in text):
        return None
    extensions = sum(c in _GSM7_EXTENSION for c in text)
    return len(text) + extensions, extensions


def _mid_party(data: dict[str, Any]) -> None:
    """The fields of every MID request (README 3.1.3, 3.2.3)."""
    if not _UUID.fullmatch(_string(data, "relyingPartyUUID") or ""):
        raise Invalid("relyingPartyUUID must be a lower-case UUID")
    if not _string(data, "relyingPartyName"):
        raise Invalid("relyingPartyName cannot be null.")
    if not re.fullmatch(r"\+[0-9]{7,15}", _string(data, "phoneNumber") or ""):
        raise Invalid("phoneNumber must contain of + and numbers(8-30)")
    if not _string(data, "nationalIdentityNumber"):
        raise Invalid("nationalIdentityNumber cannot be null.")


def _mid_signature_request(data: dict[str, Any]) -> tuple[bytes, str]:
    """A MID signature request checked as README 3.2.3 and 3.2.6 say."""
    _mid_party(data)
    encoded = _string(data, "hash") or ""
    hash_type = _string(data, "hashType") or ""
    if hash_type not in ("SHA256", "SHA384", "SHA512"):
        raise Invalid("hashType must be SHA256, SHA384 or SHA512")
    try:
        digest = base64.b64decode(encoded, validate=True)
    except ValueError as e:
        raise Invalid("Hash must be Base64 encoded") from e
    if len(digest) != _HASHES[hash_type]().digest_size:
        raise Invalid("The length of the hash must match the type of hash")
    if data.get("language") not in ("EST", "ENG", "RUS", "LIT"):
        raise Invalid("language must be EST, ENG, RUS or LIT")
    text_format = data.get("displayTextFormat", "GSM-7")
    text = _string(data, "displayText", required=False)
    if text_format not in ("GSM-7", "UCS-2"):
        raise Invalid("displayTextFormat must be GSM-7 or UCS-2")
    if text is not None:
        places = _gsm7_places(text) if text_format == "GSM-7" else None
        if text_format == "UCS-2" and len(text) > 50:
            raise Invalid("displayText must not be longer than 50 characters in UCS-2")
        if places is not None and (places[0] > 100 or places[1] > 5):
            raise Invalid("displayText must not be longer than 100 GSM-7 characters")
    return digest, hash_type


def create_simulator_app(simulator: Simulator) -> Starlette:  # noqa: C901 - one route table
    """The simulator's HTTP application."""

    async def body(request: Request) -> dict[str, Any]:
        try:
            value = await request.json()
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def sid_refuse_start(personal_code: str) -> Response | None:
        behaviour = simulator.behaviour(personal_code)
        if behaviour.noSuitableAccount:
            # RP API 3.2: what was 471 is a 404 naming the cause.
            return _problem(
                404,
                "Not Found",
                [
                    {
                        "code": "NO_SUITABLE_ACCOUNT_FOUND",
                        "detail": "No suitable account of requested type found, but user "
                        "has some other accounts",
                    }
                ],
            )
        status = behaviour.startStatus
        return _problem(status, "simulated refusal") if status else None

    def mid_refuse_start(personal_code: str) -> Response | None:
        status = simulator.behaviour(personal_code).startStatus
        return _mid_error(status, "simulated refusal") if status else None

    def long_poll(request: Request, default: int, *, strict: bool) -> int:
        """``timeoutMs``: Smart-ID refuses a value outside 1000..120000 (400); Mobile-ID
        reverts silently to its bounds (README 3.3.4)."""
        raw = request.query_params.get("timeoutMs")
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise Invalid("timeoutMs must be an integer") from None
        if strict and not 1000 <= value <= 120_000:
            raise Invalid("timeoutMs must be between 1000 and 120000")
        return max(1000, min(120_000, value))

    # ----- Smart-ID (RP API v3) -----------------------------------------------------------
    def document_number(code: str) -> str:
        return f"PNOEE-{code}-MOCK-Q"

    def sid_cert(credentials: Credentials) -> dict[str, str]:
        return {
            "value": _b64(pem_to_der(credentials.certificate_pem)),
            "certificateLevel": "QUALIFIED",
        }

    async def sid_certificate_choice(request: Request) -> Response:
        try:
            _sid_party(await body(request))
        except Invalid as e:
            return _problem(400, str(e))
        code = request.path_params["semantics"].removeprefix("PNOEE-")
        if code not in simulator.accounts:
            return _problem(404, "Not Found")
        if refused := sid_refuse_start(code):
            return refused
        behaviour = simulator.behaviour(code)
        credentials = simulator.credentials(code, "rsa-2048", behaviour)
        session = simulator.new_session("smart-id-certificate", code, credentials=credentials)
        end = behaviour.certificateChoiceEndResult
        if end != "OK":
            session.answer = {"state": "COMPLETE", "result": {"endResult": end}}
        else:
            session.answer = {
                "state": "COMPLETE",
                "result": {"endResult": "OK", "documentNumber": document_number(code)},
                "signature": {"flowType": "Notification"},
                "cert": sid_cert(credentials),
            }
        session.done.set()
        return JSONResponse({"sessionID": session.id})

    async def sid_certificate(request: Request) -> Response:
        """``signature/certificate/<document>``: the certificate of a known document, no
        session (CertificateResponse)."""
        try:
            _sid_party(await body(request))
        except Invalid as e:
            return _problem(400, str(e))
        code = request.path_params["document"].removeprefix("PNOEE-").split("-")[0]
        if code not in simulator.accounts or request.path_params["document"] != document_number(
            code
        ):
            return _problem(404, "Not Found")
        behaviour = simulator.behaviour(code)
        if behaviour.endResult == "DOCUMENT_UNUSABLE":
            return JSONResponse({"state": "DOCUMENT_UNUSABLE"})
        return JSONResponse(
            {"state": "OK", "cert": sid_cert(simulator.credentials(code, "rsa-2048", behaviour))}
        )

    async def sid_signature(request: Request) -> Response:
        try:
            digest, hash_name, algorithm, interaction = _sid_signature_request(await body(request))
        except Invalid as e:
            return _problem(400, str(e))
        document = request.path_params["document"]
        code = document.removeprefix("PNOEE-").split("-")[0]
        if code not in simulator.accounts or document != document_number(code):
            return _problem(404, "Not Found")
        behaviour = simulator.behaviour(code)
        session = simulator.new_session(
            "smart-id",
            code,
            credentials=simulator.credentials(code, "rsa-2048", behaviour),
            digest=digest,
            hash_name=hash_name,
            algorithm=algorithm,
            interaction=interaction,
            # Signature sessions: a random code chosen by the service (RP API 3.1).
            verification_code=f"{secrets.randbelow(10_000):04d}",
        )
        return JSONResponse(
            {
                "sessionID": session.id,
                "vc": {"type": "numeric4", "value": session.verification_code},
            }
        )

    async def sid_session(request: Request) -> Response:
        try:
            timeout_ms = long_poll(request, 60_500, strict=True)
        except Invalid as e:
            return _problem(400, str(e))
        session = simulator.sessions.get(request.path_params["id"])
        if session is None or not session.service.startswith("smart-id"):
            return _problem(404, "Not Found")
        if session.behaviour.hangSeconds:
            await asyncio.sleep(session.behaviour.hangSeconds)
        await simulator.wait(session, timeout_ms)
        if session.answer:
            return JSONResponse(session.answer)
        if not session.done.is_set():
            return JSONResponse({"state": "RUNNING"})
        if session.behaviour.malformed:
            return Response(b'{"state": "COMPLETE", "result": ', media_type="application/json")
        if session.end_result != "OK":
            result: dict[str, Any] = {"endResult": session.end_result}
            if session.end_result == "USER_REFUSED_INTERACTION":
                result["details"] = {"interaction": session.interaction}
            return JSONResponse({"state": "COMPLETE", "result": result})
        assert session.credentials is not None
        signature: dict[str, Any] = {
            "value": _b64(_sign(session)),
            "flowType": "Notification",
            "signatureAlgorithm": session.algorithm,
        }
        if session.algorithm == "rsassa-pss":
            signature["signatureAlgorithmParameters"] = {
                "hashAlgorithm": session.hash_name,
                "maskGenAlgorithm": {
                    "algorithm": "id-mgf1",
                    "parameters": {"hashAlgorithm": session.hash_name},
                },
                "saltLength": _HASHES[session.hash_name]().digest_size,
                "trailerField": "0xbc",
            }
        return JSONResponse(
            {
                "state": "COMPLETE",
                "result": {
                    "endResult": "OK",
                    "documentNumber": document_number(session.personal_code),
                },
                "signatureProtocol": "RAW_DIGEST_SIGNATURE",
                "signature": signature,
                "cert": sid_cert(session.credentials),
                "interactionTypeUsed": session.interaction,
            }
        )

    # ----- Mobile-ID (MID REST) -----------------------------------------------------------
    def mid_account(data: dict[str, Any]) -> Account | None:
        account = simulator.accounts.get(str(data.get("nationalIdentityNumber")))
        if account is None or account.phone_number not in (None, data.get("phoneNumber")):
            return None
        return account

    async def mid_certificate(request: Request) -> Response:
        data = await body(request)
        try:
            _mid_party(data)
        except Invalid as e:
            return _mid_error(400, str(e))
        account = mid_account(data)
        if account is None:
            return JSONResponse({"result": "NOT_FOUND", "time": _mid_time()})
        if refused := mid_refuse_start(account.personal_code):
            return refused
        behaviour = simulator.behaviour(account.personal_code)
        credentials = simulator.credentials(account.personal_code, "ec-p256", behaviour)
        return JSONResponse(
            {
                "result": "OK",
                "cert": _b64(pem_to_der(credentials.certificate_pem)),
                "time": _mid_time(),
            }
        )

    async def mid_signature(request: Request) -> Response:
        data = await body(request)
        try:
            digest, hash_name = _mid_signature_request(data)
        except Invalid as e:
            return _mid_error(400, str(e))
        account = mid_account(data)
        code = account.personal_code if account else str(data.get("nationalIdentityNumber"))
        behaviour = simulator.behaviour(code)
        session = simulator.new_session(
            "mobile-id",
            code,
            credentials=(simulator.credentials(code, "ec-p256", behaviour) if account else None),
            digest=digest,
            hash_name=hash_name,
            verification_code=mobile_id_verification_code(digest),
        )
        if account is None:
            session.end_result = "NOT_MID_CLIENT"
            session.done.set()
        return JSONResponse({"sessionID": session.id})

    async def mid_session(request: Request) -> Response:
        timeout_ms = long_poll(request, 10_000, strict=False)
        session = simulator.sessions.get(request.path_params["id"])
        if session is None or session.service != "mobile-id":
            return _mid_error(404, "SessionID not found")
        if session.behaviour.hangSeconds:
            await asyncio.sleep(session.behaviour.hangSeconds)
        await simulator.wait(session, timeout_ms)
        if not session.done.is_set():
            return JSONResponse({"state": "RUNNING", "time": _mid_time()})
        if session.behaviour.malformed:
            return Response(b"<html>502</html>", media_type="application/json")
        if session.end_result != "OK":
            return JSONResponse(
                {"state": "COMPLETE", "result": session.end_result, "time": _mid_time()}
            )
        assert session.credentials is not None
        key = serialization.load_pem_private_key(session.credentials.private_key_pem, None)
        kind = "RSA" if isinstance(key, rsa.RSAPrivateKey) else "EC"
        return JSONResponse(
            {
                "state": "COMPLETE",
                "result": "OK",
                "signature": {
                    "value": _b64(_sign(session)),
                    "algorithm": f"{session.hash_name}With{kind}Encryption",
                },
                "time": _mid_time(),
            }
        )

    # ----- steering -----------------------------------------------------------------------
    async def accounts(request: Request) -> Response:
        data = await body(request)
        code = str(data["personalCode"])
        simulator.accounts[code] = Account(
            code, str(data["firstName"]), str(data["lastName"]), data.get("phoneNumber")
        )
        # Issue the person's certificates now, so that signing later measures no key making.
        for key in ("rsa-2048", "ec-p256"):
            simulator.credentials(code, key, Behaviour())
        return JSONResponse({"ok": True})

    async def behaviour(request: Request) -> Response:
        data = await body(request)
        code = data.pop("personalCode", None)
        names = {f.name for f in dataclasses.fields(Behaviour)}
        simulator.behaviours[code] = Behaviour(**{k: v for k, v in data.items() if k in names})
        return JSONResponse({"ok": True})

    async def sessions(request: Request) -> Response:
        return JSONResponse(
            [
                {
                    "id": s.id,
                    "service": s.service,
                    "verificationCode": s.verification_code,
                    "done": s.done.is_set(),
                }
                for s in simulator.sessions.values()
                if s.service in ("smart-id", "mobile-id")
            ]
        )

    async def confirm(request: Request) -> Response:
        session = simulator.sessions.get(request.path_params["id"])
        if session is None:
            return JSONResponse({"error": "Session not found"}, status_code=404)
        simulator.finish(session, (await body(request)).get("endResult"))
        return JSONResponse({"ok": True})

    async def reset(request: Request) -> Response:
        simulator.behaviours = {None: Behaviour()}
        simulator.sessions.clear()
        return JSONResponse({"ok": True})

    sid = "/smart-id/v3"
    return Starlette(
        routes=[
            Route(f"{sid}/signature/certificate-choice/notification/etsi/{{semantics}}",
                  sid_certificate_choice, methods=["POST"]),
            Route(f"{sid}/signature/certificate/{{document}}", sid_certificate, methods=["POST"]),
            Route(f"{sid}/signature/notification/document/{{document}}",
                  sid_signature, methods=["POST"]),
            Route(f"{sid}/session/{{id}}", sid_session, methods=["GET"]),
            Route("/mid-api/certificate", mid_certificate, methods=["POST"]),
            Route("/mid-api/signature", mid_signature, methods=["POST"]),
            Route("/mid-api/signature/session/{id}", mid_session, methods=["GET"]),
            Route("/_sim/accounts", accounts, methods=["POST"]),
            Route("/_sim/behaviour", behaviour, methods=["PUT"]),
            Route("/_sim/sessions", sessions, methods=["GET"]),
            Route("/_sim/sessions/{id}/confirm", confirm, methods=["POST"]),
            Route("/_sim/reset", reset, methods=["POST"]),
        ]
    )  # fmt: skip


def load_people(simulator: Simulator, path: Path) -> None:
    """Accounts for everyone in a demo data file (``people``: code, first, last); any
    phone number is theirs for Mobile-ID."""
    for person in json.loads(path.read_text(encoding="utf-8")).get("people", []):
        code = str(person["code"])
        simulator.accounts[code] = Account(code, person["first"], person["last"], None)


@contextmanager
def running_simulator(
    pki_dir: Path, *, people: Path | None = None, startup_seconds: float = 20
) -> Iterator[str]:
    """Start the simulator in its own process on a free loopback port.

    Yields:
        Its base URL (``http://127.0.0.1:<port>``); it stops when the block ends.
    """
    port = free_port()
    command = [sys.executable, "-m", "integrations.sk.simulator", "--pki", str(pki_dir)]
    command += ["--port", str(port)] + (["--people", str(people)] if people else [])
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        wait_until_listening(process, port, startup_seconds, "the SK simulator")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)


def main() -> None:
    """``python -m integrations.sk.simulator --pki DIR --port N`` (loopback only)."""
    import uvicorn

    parser = argparse.ArgumentParser(description="SK Smart-ID / Mobile-ID simulator (dev/test)")
    parser.add_argument("--pki", required=True, help="the development PKI directory")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--people", help="a demo data JSON whose people get accounts")
    args = parser.parse_args()
    simulator = Simulator(DevelopmentPki.create(Path(args.pki)))
    if args.people:
        load_people(simulator, Path(args.people))
    app = create_simulator_app(simulator)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
