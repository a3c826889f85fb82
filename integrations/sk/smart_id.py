"""Smart-ID relying-party API v3: certificate choice, then a notification signature session.

Flow (SK-EID/smart-id-documentation, RP API v3): ``POST certificatechoice/notification/etsi/
PNOEE-<code>`` → session whose result names the document number and the signing
certificate; ``POST signature/notification/document/<number>`` with the digest
(``RAW_DIGEST_SIGNATURE``, RSASSA-PSS) → session id and verification code; ``GET
session/<id>?timeoutMs=`` (long poll) until ``COMPLETE``.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from typing import Any

from integrations.sk.common import (
    PhoneSession,
    ServiceClient,
    ServiceConfig,
    SkError,
    b64decode,
    send,
    smart_id_verification_code,
)

__all__ = ["END_RESULTS", "HTTP_STATUSES", "SmartIdClient", "SmartIdConfig", "SmartIdSigner"]

# HTTP statuses of the RP API and the user-error code each becomes.
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
# Session end results other than OK.
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
_HASH_NAMES = {"SHA-256", "SHA-384", "SHA-512"}


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
        """Choose the person's qualified signing certificate (no interaction on the phone).

        Raises:
            SkError: Account not found, no qualified account, service errors.
        """
        body = await send(
            self.http,
            "POST",
            f"certificatechoice/notification/etsi/PNOEE-{personal_code}",
            statuses=HTTP_STATUSES,
            json={**self.party, "certificateLevel": "QUALIFIED"},
        )
        session_id = _text(body.get("sessionID"), "sessionID")
        deadline = time.monotonic() + wait_seconds
        while True:
            answer = await self._status(session_id, min(self.config.long_poll_ms, 1000))
            if answer.get("state") == "COMPLETE":
                break
            if time.monotonic() > deadline:
                raise SkError("SIGNING_SERVICE_UNAVAILABLE", "certificate choice did not end")
        _raise_for_end_result(answer)
        result = answer.get("result")
        cert = answer.get("cert")
        if not isinstance(result, dict) or not isinstance(cert, dict):
            raise SkError("SIGNING_SERVICE_ERROR", "certificate choice without result or cert")
        if cert.get("certificateLevel") != "QUALIFIED":
            raise SkError("SMART_ID_NO_QUALIFIED_ACCOUNT", "certificate level is not QUALIFIED")
        return SmartIdSigner(
            document_number=_text(result.get("documentNumber"), "documentNumber"),
            certificate=b64decode(cert.get("value"), "cert.value"),
        )

    async def start_signature(
        self, signer: SmartIdSigner, digest: bytes, hash_function: str, display_text: str
    ) -> tuple[str, str]:
        """Send the digest to the person's app (RSASSA-PSS).

        Returns:
            SK's session id and the verification code to show.

        Raises:
            SkError: Service errors; a verification code that differs from the one computed
                here (SIGNING_SERVICE_ERROR).
        """
        if hash_function not in _HASH_NAMES:
            raise ValueError(f"unsupported hash {hash_function}")
        body = await send(
            self.http,
            "POST",
            f"signature/notification/document/{signer.document_number}",
            statuses=HTTP_STATUSES,
            json={
                **self.party,
                "certificateLevel": "QUALIFIED",
                "signatureProtocol": "RAW_DIGEST_SIGNATURE",
                "signatureProtocolParameters": {
                    "digest": base64.b64encode(digest).decode("ascii"),
                    "signatureAlgorithm": "rsassa-pss",
                    "signatureAlgorithmParameters": {"hashAlgorithm": hash_function},
                },
                "interactions": [
                    {"type": "confirmationMessage", "displayText200": display_text[:200]},
                    {"type": "displayTextAndPIN", "displayText60": display_text[:60]},
                ],
            },
        )
        session_id = _text(body.get("sessionID"), "sessionID")
        code = smart_id_verification_code(digest)
        vc = body.get("vc")
        if isinstance(vc, dict) and vc.get("value") not in (None, code):
            raise SkError("SIGNING_SERVICE_ERROR", "the service's verification code differs")
        return session_id, code

    async def status(self, session_id: str) -> PhoneSession:
        """One long poll of a signature session.

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
        signature, cert = answer.get("signature"), answer.get("cert")
        if not isinstance(signature, dict) or not isinstance(cert, dict):
            raise SkError("SIGNING_SERVICE_ERROR", "OK without signature or cert")
        if signature.get("signatureAlgorithm") not in (None, "rsassa-pss"):
            raise SkError("SIGNING_SERVICE_ERROR", "unexpected signature algorithm")
        return PhoneSession(
            running=False,
            signature=b64decode(signature.get("value"), "signature.value"),
            certificate=b64decode(cert.get("value"), "cert.value"),
        )

    async def _status(self, session_id: str, timeout_ms: int) -> dict[str, Any]:
        return await send(
            self.http,
            "GET",
            f"session/{session_id}",
            statuses=HTTP_STATUSES,
            params={"timeoutMs": timeout_ms},
        )


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise SkError("SIGNING_SERVICE_ERROR", f"{what} missing")
    return value


def _raise_for_end_result(answer: dict[str, Any]) -> None:
    result = answer.get("result")
    end = result.get("endResult") if isinstance(result, dict) else None
    if end == "OK":
        return
    if not isinstance(end, str):
        raise SkError("SIGNING_SERVICE_ERROR", "COMPLETE without endResult")
    raise SkError(END_RESULTS.get(end, "SIGNING_SERVICE_ERROR"), f"endResult {end}")
