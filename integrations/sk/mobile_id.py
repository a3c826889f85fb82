"""Mobile-ID REST API (SK-EID/MID README): certificate, signature session, status long poll.

``POST certificate`` (phone number and personal code) → the signing certificate (3.1);
``POST signature`` with the hash → session id (3.2); ``GET signature/session/<id>?timeoutMs=``
until ``COMPLETE`` (3.3). The verification code is computed here from the hash (2.4.1).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from integrations.sk.common import (
    PhoneSession,
    ServiceClient,
    ServiceConfig,
    SkError,
    b64decode,
    long_poll_ms,
    mobile_id_verification_code,
    send,
)

__all__ = [
    "END_RESULTS",
    "HTTP_STATUSES",
    "LANGUAGES",
    "SIGNATURE_ALGORITHMS",
    "MobileIdClient",
    "MobileIdConfig",
    "display_text_and_format",
    "valid_phone",
]

HTTP_STATUSES = {
    400: "SIGNING_SERVICE_ERROR",
    401: "SIGNING_SERVICE_UNAUTHORIZED",
    403: "SIGNING_SERVICE_UNAUTHORIZED",
    404: "SIGNING_SERVICE_ERROR",  # an unknown or expired session id
    405: "SIGNING_SERVICE_ERROR",
    500: "SIGNING_SERVICE_UNAVAILABLE",
}
END_RESULTS = {
    "TIMEOUT": "SIGNING_TIMEOUT",
    "NOT_MID_CLIENT": "SIGNING_ACCOUNT_NOT_FOUND",
    "USER_CANCELLED": "SIGNING_REFUSED",
    "SIGNATURE_HASH_MISMATCH": "MOBILE_ID_SIM_ERROR",
    "PHONE_ABSENT": "MOBILE_ID_PHONE_ABSENT",
    "DELIVERY_ERROR": "MOBILE_ID_DELIVERY_ERROR",
    "SIM_ERROR": "MOBILE_ID_SIM_ERROR",
}
_HASH_TYPES = {"SHA-256": "SHA256", "SHA-384": "SHA384", "SHA-512": "SHA512"}
_HASH_SIZES = {"SHA-256": 32, "SHA-384": 48, "SHA-512": 64}
# 3.3.5 signature.algorithm: the hashType's name, then EC or RSA.
SIGNATURE_ALGORITHMS = {
    f"{name}With{kind}Encryption" for name in _HASH_TYPES.values() for kind in ("EC", "RSA")
}
LANGUAGES = ("EST", "ENG", "RUS", "LIT")
# GSM 03.38: the default alphabet, and the extension table (each of those takes two places).
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = set("€[]^|{}\\~")
# Mobile-ID serves Estonian (+372) and Lithuanian (+370) numbers.
_PHONE = re.compile(r"\+37[02][0-9]{7,8}")


def display_text_and_format(text: str) -> tuple[str, str]:
    """``displayText`` and ``displayTextFormat`` (3.2.3): GSM-7 when every character is in its
    alphabet (up to 100 places, at most 5 extension characters), else UCS-2 (up to 50
    characters) — GSM-7 would turn õ, š, ž into spaces."""
    text = " ".join(text.split())
    if all(c in _GSM7 or c in _GSM7_EXTENSION for c in text):
        out, places, extensions = [], 0, 0
        for c in text:
            extra = c in _GSM7_EXTENSION
            if places + 1 + extra > 100 or extensions + extra > 5:
                break
            out.append(c)
            places += 1 + extra
            extensions += extra
        return "".join(out), "GSM-7"
    return text[:50], "UCS-2"


def valid_phone(phone_number: str) -> str | None:
    """The number in the API's form (``+372…``), spaces removed; ``None`` if it is not one."""
    compact = re.sub(r"[\s-]", "", phone_number)
    return compact if _PHONE.fullmatch(compact) else None


@dataclass(frozen=True)
class MobileIdConfig(ServiceConfig):
    """Settings of the Mobile-ID client; ``url`` ends in ``/mid-api``.

    Attributes:
        language: ``EST``, ``ENG``, ``RUS`` or ``LIT``: the language of the phone's prompt.
    """

    language: str = "EST"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.language not in LANGUAGES:
            raise ValueError(f"the Mobile-ID language is one of {', '.join(LANGUAGES)}")


class MobileIdClient(ServiceClient):
    """The MID REST API over one httpx connection pool."""

    def __init__(self, config: MobileIdConfig) -> None:
        super().__init__(config)
        self.config = config

    def _party(self, phone_number: str, personal_code: str) -> dict[str, Any]:
        return {
            **self.party,
            "phoneNumber": phone_number,
            "nationalIdentityNumber": personal_code,
        }

    async def certificate(self, phone_number: str, personal_code: str) -> bytes:
        """The signing certificate (DER) of the person's Mobile-ID on that phone.

        Raises:
            SkError: Not a Mobile-ID client (SIGNING_ACCOUNT_NOT_FOUND), service errors.
        """
        body = await send(
            self.http,
            "POST",
            "certificate",
            statuses=HTTP_STATUSES,
            json=self._party(phone_number, personal_code),
        )
        if body.get("result") == "NOT_FOUND":
            raise SkError("SIGNING_ACCOUNT_NOT_FOUND", "certificate NOT_FOUND")
        if body.get("result") != "OK":
            raise SkError("SIGNING_SERVICE_ERROR", f"certificate result {body.get('result')!r}")
        return b64decode(body.get("cert"), "cert")

    async def start_signature(
        self,
        phone_number: str,
        personal_code: str,
        digest: bytes,
        hash_function: str,
        display_text: str,
    ) -> tuple[str, str]:
        """Send the hash to the phone.

        Returns:
            SK's session id and the verification code to show.
        """
        if _HASH_SIZES.get(hash_function) != len(digest):
            raise ValueError(f"unsupported hash {hash_function} or a digest of another length")
        text, text_format = display_text_and_format(display_text)
        body = await send(
            self.http,
            "POST",
            "signature",
            statuses=HTTP_STATUSES,
            json={
                **self._party(phone_number, personal_code),
                "hash": base64.b64encode(digest).decode("ascii"),
                "hashType": _HASH_TYPES[hash_function],
                "language": self.config.language,
                "displayText": text,
                "displayTextFormat": text_format,
            },
        )
        session_id = body.get("sessionID")
        if not isinstance(session_id, str) or not session_id:
            raise SkError("SIGNING_SERVICE_ERROR", "sessionID missing")
        return session_id, mobile_id_verification_code(digest)

    async def status(self, session_id: str) -> PhoneSession:
        """One long poll of a signature session.

        Raises:
            SkError: Service errors, malformed answers.
        """
        answer = await send(
            self.http,
            "GET",
            f"signature/session/{session_id}",
            statuses=HTTP_STATUSES,
            params={"timeoutMs": long_poll_ms(self.config.long_poll_ms)},
        )
        state = answer.get("state")
        if state == "RUNNING":
            return PhoneSession(running=True)
        if state != "COMPLETE":
            raise SkError("SIGNING_SERVICE_ERROR", f"unknown state {state!r}")
        result = answer.get("result")
        if result != "OK":
            if not isinstance(result, str):
                raise SkError("SIGNING_SERVICE_ERROR", "COMPLETE without result")
            return PhoneSession(
                running=False, error_code=END_RESULTS.get(result, "SIGNING_SERVICE_ERROR")
            )
        signature = answer.get("signature")
        if not isinstance(signature, dict):
            raise SkError("SIGNING_SERVICE_ERROR", "OK without signature")
        if signature.get("algorithm") not in SIGNATURE_ALGORITHMS:
            raise SkError("SIGNING_SERVICE_ERROR", "unexpected signature algorithm")
        cert = answer.get("cert")
        return PhoneSession(
            running=False,
            signature=b64decode(signature.get("value"), "signature.value"),
            certificate=b64decode(cert, "cert") if cert is not None else None,
        )
