"""What both SK clients share: errors, the pinned TLS context, verification codes, JSON."""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import re
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

__all__ = [
    "PhoneSession",
    "ServiceClient",
    "ServiceConfig",
    "SkError",
    "b64decode",
    "check_service_url",
    "http_client",
    "json_object",
    "long_poll_ms",
    "mobile_id_verification_code",
    "pinned_context",
    "smart_id_verification_code",
]


class SkError(Exception):
    """A Smart-ID or Mobile-ID request that ended without a usable answer.

    Attributes:
        code: The user-error code (e.g. ``SIGNING_REFUSED``, ``SIGNING_SERVICE_UNAVAILABLE``).
        detail: Technical cause for logs (never a personal code).
    """

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


@dataclass(frozen=True)
class PhoneSession:
    """One status answer of a signature session.

    Attributes:
        running: The person has not answered yet.
        error_code: Why it ended without a signature (``None`` when it ended well).
        signature: The signature value (``None`` unless it ended well).
        certificate: The certificate the service says signed (DER), if it says.
    """

    running: bool
    error_code: str | None = None
    signature: bytes | None = None
    certificate: bytes | None = None


def smart_id_verification_code(challenge: bytes) -> str:
    """Smart-ID's verification code computed by the relying party: the last two bytes of
    SHA-256 of the bytes, big-endian, mod 10000, four digits.

    RP API v3 uses it for notification-based *authentication* only (of ``rpChallenge``,
    notification_based_flows.html "Verification codes for authentication requests"). For
    *signature* sessions the code is random and chosen by SK: it comes in the ``vc`` of the
    answer and must be shown as received (see :meth:`SmartIdClient.start_signature`).
    """
    tail = hashlib.sha256(challenge).digest()[-2:]
    return f"{int.from_bytes(tail, 'big') % 10000:04d}"


def mobile_id_verification_code(digest: bytes) -> str:
    """Mobile-ID: the first 6 and the last 7 bits of the hash as one 13-bit number,
    shown as four digits."""
    value = ((digest[0] >> 2) << 7) | (digest[-1] & 0x7F)
    return f"{value:04d}"


def b64decode(value: object, what: str) -> bytes:
    """Strict base64 of a JSON string field, or SIGNING_SERVICE_ERROR."""
    if not isinstance(value, str):
        raise SkError("SIGNING_SERVICE_ERROR", f"{what} is not a string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as e:
        raise SkError("SIGNING_SERVICE_ERROR", f"{what} is not base64") from e


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The body as a JSON object, or SIGNING_SERVICE_ERROR (malformed answers end the session)."""
    try:
        body = response.json()
    except ValueError as e:
        raise SkError(
            "SIGNING_SERVICE_ERROR", f"malformed JSON (HTTP {response.status_code})"
        ) from e
    if not isinstance(body, dict):
        raise SkError("SIGNING_SERVICE_ERROR", "the answer is not a JSON object")
    return body


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_service_url(url: str) -> str:
    """``https://`` anywhere, ``http://`` only on loopback (the simulator); no trailing slash.

    Raises:
        ValueError: Any other URL.
    """
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url.rstrip("/")
    raise ValueError(f"{url!r}: https://, or http:// on loopback only (the simulator)")


def pinned_context(pinned_pem: bytes) -> ssl.SSLContext:
    """A TLS context that trusts only the pinned certificates (SK's API certificates, as the
    specifications require), leaf certificates included; host names are still checked."""
    context = ssl.create_default_context(cadata=pinned_pem.decode("ascii"))
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return context


def http_client(
    base_url: str, pinned_pem: bytes | None, timeout_seconds: float
) -> httpx.AsyncClient:
    """One connection pool per service; https URLs need pinned certificates.

    Raises:
        ValueError: An https URL without pinned certificates.
    """
    if base_url.startswith("https://"):
        if not pinned_pem:
            raise ValueError("an https service URL needs its pinned TLS certificates")
        verify: ssl.SSLContext | bool = pinned_context(pinned_pem)
    else:
        verify = False
    return httpx.AsyncClient(
        base_url=base_url,
        verify=verify,
        timeout=httpx.Timeout(timeout_seconds, connect=5.0),
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        headers={"Content-Type": "application/json"},
    )


async def send(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    *,
    statuses: dict[int, str],
    json: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    problems: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Send one request; HTTP errors become :class:`SkError` by ``statuses``.

    ``problems``: codes of an RFC 9457 error answer (``errors[].code``, Smart-ID RP API 3.2)
    that name a more precise user-error code than the HTTP status does.

    Raises:
        SkError: A timeout or connection failure (SIGNING_SERVICE_UNAVAILABLE), an HTTP
            error (by ``problems``, then ``statuses``; other 5xx SIGNING_SERVICE_UNAVAILABLE,
            other 4xx SIGNING_SERVICE_ERROR) or a malformed answer.
    """
    try:
        response = await client.request(method, path, json=json, params=params)
    except httpx.TimeoutException as e:
        raise SkError("SIGNING_SERVICE_UNAVAILABLE", f"timeout: {type(e).__name__}") from e
    except httpx.HTTPError as e:
        raise SkError("SIGNING_SERVICE_UNAVAILABLE", f"{type(e).__name__}") from e
    if response.status_code != 200:
        code = _problem_code(response, problems or {}) or statuses.get(response.status_code)
        if code is None:
            code = (
                "SIGNING_SERVICE_UNAVAILABLE"
                if response.status_code >= 500
                else "SIGNING_SERVICE_ERROR"
            )
        raise SkError(code, f"HTTP {response.status_code} on {method} {path.split('/')[0]}")
    return json_object(response)


def _problem_code(response: httpx.Response, problems: dict[str, str]) -> str | None:
    if not problems:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, dict) and error.get("code") in problems:
            return problems[error["code"]]
    return None


def long_poll_ms(value: int, minimum: int = 1000, maximum: int = 120_000) -> int:
    """``timeoutMs`` within the service's bounds (Smart-ID: 1000..120000, a value outside is
    a 400; Mobile-ID reverts silently to about the same bounds)."""
    return max(minimum, min(maximum, value))


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class ServiceConfig:
    """Settings of an SK service client.

    Attributes:
        url: Base URL (https, or http on loopback for the simulator).
        relying_party_uuid: Issued by SK.
        relying_party_name: Issued by SK; shown on the phone.
        pinned_certificates: PEM of SK's API TLS certificates (required for https).
        long_poll_ms: ``timeoutMs`` of one status request.
        timeout_seconds: Of one HTTP request (default: the long poll and 5 s).
    """

    url: str
    relying_party_uuid: str
    relying_party_name: str
    pinned_certificates: bytes | None = None
    long_poll_ms: int = 5000
    timeout_seconds: float | None = None

    def __post_init__(self) -> None:
        # Both APIs: relyingPartyUUID is a lower-case canonical UUID (MID README 2.2 "only
        # small caps"; RP API v3 schema RelyingPartyUUID, format uuid); relyingPartyName is
        # limited to 32 bytes of UTF-8 (RP API v3 api_details.html "Interface authentication").
        if not _UUID.fullmatch(self.relying_party_uuid):
            raise ValueError("the relying party UUID must be a lower-case canonical UUID")
        if not self.relying_party_name or len(self.relying_party_name.encode()) > 32:
            raise ValueError("the relying party name must be 1..32 bytes of UTF-8")


class ServiceClient:
    """One httpx connection pool to an SK service."""

    def __init__(self, config: ServiceConfig) -> None:
        self.http: httpx.AsyncClient = http_client(
            config.url,
            config.pinned_certificates,
            config.timeout_seconds or long_poll_ms(config.long_poll_ms) / 1000 + 5,
        )
        self.party = {
            "relyingPartyUUID": config.relying_party_uuid,
            "relyingPartyName": config.relying_party_name,
        }

    async def aclose(self) -> None:
        await self.http.aclose()
