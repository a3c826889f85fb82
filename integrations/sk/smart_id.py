"""Smart-ID relying-party API v3: certificate choice, then a notification signature session.

Flow (SK-EID/smart-id-documentation, RP API 3.1/3.2, ``_/static/RP-API_V3.yml`` and
``rp-api/overview_of_api_endpoints.html`` "Notification based signing without prior
authentication"): ``POST signature/certificate-choice/notification/etsi/PNOEE-<code>`` →
session whose result names the document number and the signing certificate; ``POST
signature/notification/document/<number>`` with the digest (``RAW_DIGEST_SIGNATURE``,
``rsassa-pss``) and the Base64-encoded ``interactions`` → session id and SK's random
verification code (shown as received); ``GET session/<id>?timeoutMs=`` (long poll, 1000..
120000 ms) until ``COMPLETE``. (RP API 3.0's ``certificatechoice/notification/...``,
``allowedInteractionsOrder`` and RP-computed codes were never widely released and are gone.)
"""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from integrations.sk.common import (
    PhoneSession,
    ServiceClient,
    ServiceConfig,
    SkError,
    b64decode,
    long_poll_ms,
    send,
)

__all__ = [
    "END_RESULTS",
    "HTTP_STATUSES",
    "SESSION_STATUSES",
    "SmartIdClient",
    "SmartIdConfig",
    "SmartIdSigner",
    "encode_interactions",
    "interactions",
]

# HTTP statuses of the session-creating requests and the user-error code each becomes
# (RP-API_V3.yml responses 400..580; 471 and 472 are RP API <= 3.1, replaced in 3.2 by 404
# with an RFC 9457 ``errors[].code``, see PROBLEMS).
HTTP_STATUSES = {
    400: "SIGNING_SERVICE_ERROR",
    401: "SIGNING_SERVICE_UNAUTHORIZED",
    403: "SIGNING_SERVICE_UNAUTHORIZED",
    404: "SIGNING_ACCOUNT_NOT_FOUND",
    471: "SMART_ID_NO_QUALIFIED_ACCOUNT",
    472: "SMART_ID_ACCOUNT_ACTION_NEEDED",
    480: "SIGNING_CLIENT_OUTDATED",
    580: "SIGNING_SERVICE_MAINTENANCE",
}
# GET session/<id>: a 404 is a session SK does not know (any more), not a missing account.
SESSION_STATUSES = {**HTTP_STATUSES, 404: "SIGNING_SERVICE_ERROR"}
# RFC 9457 error codes of RP API 3.2 (changes.html "RP 3.2.0"; example
# NotFoundErrorResponseWithErrorsFieldJsonExample).
PROBLEMS = {"NO_SUITABLE_ACCOUNT_FOUND": "SMART_ID_NO_QUALIFIED_ACCOUNT"}
# Session end results other than OK (SessionStatusResponse result.endResult).
END_RESULTS = {
    "USER_REFUSED": "SIGNING_REFUSED",
    "USER_REFUSED_CERT_CHOICE": "SIGNING_REFUSED",
    "USER_REFUSED_INTERACTION": "SIGNING_REFUSED",
    "TIMEOUT": "SIGNING_TIMEOUT",
    "WRONG_VC": "WRONG_VERIFICATION_CODE",
    "DOCUMENT_UNUSABLE": "SMART_ID_DOCUMENT_UNUSABLE",
    "ACCOUNT_UNUSABLE": "SMART_ID_DOCUMENT_UNUSABLE",
    "REQUIRED_INTERACTION_NOT_SUPPORTED_BY_APP": "SMART_ID_APP_UNSUPPORTED",
    "PROTOCOL_FAILURE": "SIGNING_SERVICE_ERROR",
    "EXPECTED_LINKED_SESSION": "SIGNING_SERVICE_ERROR",
    "SERVER_ERROR": "SIGNING_SERVICE_ERROR",
}
# HashAlgorithm of the API; rsassa-pss's salt is as long as the hash (saltLength).
_HASH_SIZES = {"SHA-256": 32, "SHA-384": 48, "SHA-512": 64, "SHA3-256": 32, "SHA3-384": 48,
               "SHA3-512": 64}  # fmt: skip
_VC = re.compile(r"[0-9]{4}")


def interactions(display_text: str) -> str:
    """The ``interactions`` of a notification signature: ``confirmationMessage`` (up to 200
    characters), falling back to ``displayTextAndPIN`` (up to 60), as minified JSON, Base64
    (interactions.html "Base64 encoding interactions"; empty texts are a 400)."""
    text = " ".join(display_text.split())
    if not text:
        raise ValueError("the display text is empty")
    return encode_interactions(
        [
            {"type": "confirmationMessage", "displayText200": text[:200]},
            {"type": "displayTextAndPIN", "displayText60": text[:60]},
        ]
    )


def encode_interactions(chosen: list[dict[str, str]]) -> str:
    """``BASE64-ENCODE(TO-STRING(MINIFY(interactionsJson)))`` as interactions.html's Python
    example does it."""
    return base64.b64encode(json.dumps(chosen, separators=(",", ":")).encode()).decode("ascii")


@dataclass(frozen=True)
class SmartIdConfig(ServiceConfig):
    """Settings of the Smart-ID client; ``url`` includes ``/v3``."""


@dataclass(frozen=True)
class SmartIdSigner:
    """Who signs: the document (account) number and its qualified signing certificate."""

    document_number: str
    certificate: bytes


class SmartIdClient(ServiceClient):
    """The Smart-ID RP API v3 over one httpx connection pool."""

    def __init__(self, config: SmartIdConfig) -> None:
        super().__init__(config)
        self.config = config

    async def signer(self, personal_code: str, *, wait_seconds: float = 10.0) -> SmartIdSigner:
        """Choose the person's qualified signing certificate: a notification certificate-choice
        session (the app asks which device only if the person has several accounts).

        Raises:
            SkError: Account not found, no qualified account, refused, service errors.
        """
        body = await send(
            self.http,
            "POST",
            f"signature/certificate-choice/notification/etsi/PNOEE-{personal_code}",
            statuses=HTTP_STATUSES,
            problems=PROBLEMS,
            json={**self.party, "certificateLevel": "QUALIFIED"},
        )
        session_id = _text(body.get("sessionID"), "sessionID")
        deadline = time.monotonic() + wait_seconds
        while True:
            answer = await self._status(session_id, 1000)
            if answer.get("state") == "COMPLETE":
                break
            if answer.get("state") != "RUNNING":
                raise SkError("SIGNING_SERVICE_ERROR", f"unknown state {answer.get('state')!r}")
            if time.monotonic() > deadline:
                raise SkError("SIGNING_SERVICE_UNAVAILABLE", "certificate choice did not end")
        _raise_for_end_result(answer)
        result = answer.get("result")
        assert isinstance(result, dict)  # _raise_for_end_result checked it
        return SmartIdSigner(
            document_number=_text(result.get("documentNumber"), "documentNumber"),
            certificate=_qualified_certificate(answer),
        )

    async def start_signature(
        self, signer: SmartIdSigner, digest: bytes, hash_function: str, display_text: str
    ) -> tuple[str, str]:
        """Send the digest to the person's app (``RAW_DIGEST_SIGNATURE``, RSASSA-PSS).

        Returns:
            SK's session id and SK's verification code, to show as received.

        Raises:
            SkError: Service errors; an answer without a usable ``vc`` (SIGNING_SERVICE_ERROR).
        """
        if _HASH_SIZES.get(hash_function) != len(digest):
            raise ValueError(f"unsupported hash {hash_function} or a digest of another length")
        body = await send(
            self.http,
            "POST",
            f"signature/notification/document/{signer.document_number}",
            statuses=HTTP_STATUSES,
            problems=PROBLEMS,
            json={
                **self.party,
                "certificateLevel": "QUALIFIED",
                "signatureProtocol": "RAW_DIGEST_SIGNATURE",
                "signatureProtocolParameters": {
                    "digest": base64.b64encode(digest).decode("ascii"),
                    "signatureAlgorithm": "rsassa-pss",
                    "signatureAlgorithmParameters": {"hashAlgorithm": hash_function},
                },
                "interactions": interactions(display_text),
            },
        )
        session_id = _text(body.get("sessionID"), "sessionID")
        # notification_based_flows.html "Verification codes for signature requests": random,
        # from SK, type numeric4; the RP shows it as it is.
        vc = body.get("vc")
        if (
            not isinstance(vc, dict)
            or vc.get("type") != "numeric4"
            or not isinstance(vc.get("value"), str)
            or not _VC.fullmatch(vc["value"])
        ):
            raise SkError("SIGNING_SERVICE_ERROR", "no usable verification code (vc)")
        return session_id, vc["value"]

    async def status(self, session_id: str) -> PhoneSession:
        """One long poll of a signature session; an OK answer is checked as
        response_verification.html "Initial session response check" asks.

        Raises:
            SkError: Service errors, malformed answers.
        """
        answer = await self._status(session_id, self.config.long_poll_ms)
        if answer.get("state") == "RUNNING":
            return PhoneSession(running=True)
        if answer.get("state") != "COMPLETE":
            raise SkError("SIGNING_SERVICE_ERROR", f"unknown state {answer.get('state')!r}")
        try:
            _raise_for_end_result(answer)
        except SkError as error:
            return PhoneSession(running=False, error_code=error.code)
        result, signature = answer.get("result"), answer.get("signature")
        if answer.get("signatureProtocol") != "RAW_DIGEST_SIGNATURE":
            raise SkError("SIGNING_SERVICE_ERROR", "signatureProtocol is not RAW_DIGEST_SIGNATURE")
        if not isinstance(signature, dict):
            raise SkError("SIGNING_SERVICE_ERROR", "OK without signature")
        assert isinstance(result, dict)
        _text(result.get("documentNumber"), "documentNumber")
        _check_pss(signature)
        return PhoneSession(
            running=False,
            signature=b64decode(signature.get("value"), "signature.value"),
            certificate=_qualified_certificate(answer),
        )

    async def _status(self, session_id: str, timeout_ms: int) -> dict[str, Any]:
        return await send(
            self.http,
            "GET",
            f"session/{session_id}",
            statuses=SESSION_STATUSES,
            params={"timeoutMs": long_poll_ms(timeout_ms)},
        )


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise SkError("SIGNING_SERVICE_ERROR", f"{what} missing")
    return value


def _qualified_certificate(answer: dict[str, Any]) -> bytes:
    cert = answer.get("cert")
    if not isinstance(cert, dict):
        raise SkError("SIGNING_SERVICE_ERROR", "OK without cert")
    if cert.get("certificateLevel") != "QUALIFIED":
        raise SkError("SMART_ID_NO_QUALIFIED_ACCOUNT", "certificate level is not QUALIFIED")
    return b64decode(cert.get("value"), "cert.value")


def _check_pss(signature: dict[str, Any]) -> None:
    """The signature is the RSASSA-PSS asked for: its hash one of the API's, MGF1 with the same
    hash, the salt as long as the hash (SignatureAlgorithmParametersInResponse)."""
    if signature.get("signatureAlgorithm") != "rsassa-pss":
        raise SkError("SIGNING_SERVICE_ERROR", "unexpected signature algorithm")
    parameters = signature.get("signatureAlgorithmParameters")
    if not isinstance(parameters, dict):
        raise SkError("SIGNING_SERVICE_ERROR", "rsassa-pss without its parameters")
    hash_name = parameters.get("hashAlgorithm")
    if hash_name not in _HASH_SIZES:
        raise SkError("SIGNING_SERVICE_ERROR", "unexpected hash algorithm")
    mgf = parameters.get("maskGenAlgorithm")
    if isinstance(mgf, dict):
        mgf_parameters = mgf.get("parameters")
        mgf_hash = mgf_parameters.get("hashAlgorithm") if isinstance(mgf_parameters, dict) else None
        if mgf.get("algorithm") != "id-mgf1" or mgf_hash not in (None, hash_name):
            raise SkError("SIGNING_SERVICE_ERROR", "unexpected mask generation")
    if parameters.get("saltLength", _HASH_SIZES[hash_name]) != _HASH_SIZES[hash_name]:
        raise SkError("SIGNING_SERVICE_ERROR", "unexpected salt length")


def _raise_for_end_result(answer: dict[str, Any]) -> None:
    result = answer.get("result")
    end = result.get("endResult") if isinstance(result, dict) else None
    if end == "OK":
        return
    if not isinstance(end, str):
        raise SkError("SIGNING_SERVICE_ERROR", "COMPLETE without endResult")
    raise SkError(END_RESULTS.get(end, "SIGNING_SERVICE_ERROR"), f"endResult {end}")
