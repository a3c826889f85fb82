"""The SK clients on their own: verification codes per specification, TLS pinning of the
service certificate, timeouts and malformed answers, and their settings."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.settings import Settings, SettingsError
from integrations.sk.common import (
    SkError,
    check_service_url,
    mobile_id_verification_code,
    smart_id_verification_code,
)
from integrations.sk.mobile_id import valid_phone
from integrations.sk.smart_id import SmartIdClient, SmartIdConfig

PARTY = "00000000-0000-0000-0000-000000000000"


def test_mobile_id_verification_code_matches_the_specification_example():
    # SK-EID/MID 2.4.1: 6 bits from the start and 7 from the end of the hash.
    digest = bytes.fromhex("2f665f6a6999e0ef0752e00ec9f453adf59d8cb6")
    assert mobile_id_verification_code(digest) == "1462"


def test_smart_id_verification_code_is_four_digits_from_the_hash_of_the_digest():
    digest = bytes(range(32))
    code = smart_id_verification_code(digest)
    assert len(code) == 4
    assert code.isdigit()
    import hashlib

    tail = hashlib.sha256(digest).digest()[-2:]
    assert int(code) == int.from_bytes(tail, "big") % 10000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+37200000766", "+37200000766"),
        ("+372 5555 1234", "+37255551234"),
        ("+37060000666", "+37060000666"),
        ("55551234", None),
        ("+4915112345678", None),
        ("+372", None),
    ],
)
def test_phone_numbers(raw, expected):
    assert valid_phone(raw) == expected


def test_service_urls_are_https_or_loopback_http():
    assert check_service_url("https://rp-api.smart-id.com/v3/") == "https://rp-api.smart-id.com/v3"
    assert check_service_url("http://127.0.0.1:8089/mid-api") == "http://127.0.0.1:8089/mid-api"
    for bad in ("http://example.com/v3", "ftp://127.0.0.1/", "https://"):
        with pytest.raises(ValueError, match="loopback"):
            check_service_url(bad)


def test_settings_keep_phone_signing_off_until_configured_and_refuse_half_settings(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("EH_SMART_ID_URL", raising=False)
    assert Settings.from_env().smart_id_url is None
    monkeypatch.setenv("EH_SMART_ID_URL", "https://rp-api.smart-id.com/v3")
    with pytest.raises(SettingsError, match="RELYING_PARTY"):
        Settings.from_env()
    monkeypatch.setenv("EH_SMART_ID_RELYING_PARTY_UUID", "00000000-0000-0000-0000-000000000000")
    monkeypatch.setenv("EH_SMART_ID_RELYING_PARTY_NAME", "DEMO")
    with pytest.raises(SettingsError, match="TLS_CERTIFICATES"):
        Settings.from_env()
    pinned = tmp_path / "sk.pem"
    pinned.write_bytes(b"")
    monkeypatch.setenv("EH_SMART_ID_TLS_CERTIFICATES", str(pinned))
    assert Settings.from_env().smart_id_tls_certificates == pinned
    monkeypatch.setenv("EH_SMART_ID_URL", "http://10.0.0.1/v3")
    with pytest.raises(SettingsError, match="loopback"):
        Settings.from_env()


def _self_signed(host: str, valid: tuple[int, int] = (-1, 1)) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=valid[0]))
        .not_valid_after(now + dt.timedelta(days=valid[1]))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


@pytest.fixture
def validity() -> tuple[int, int]:
    """Days from now of the service certificate's notBefore and notAfter."""
    return (-1, 1)


@pytest.fixture
async def tls_service(tmp_path: Path, validity) -> AsyncIterator[tuple[str, bytes]]:
    """An https server on loopback answering every request with a RUNNING session."""
    cert_pem, key_pem = _self_signed("127.0.0.1", validity)
    (tmp_path / "c.pem").write_bytes(cert_pem)
    (tmp_path / "k.pem").write_bytes(key_pem)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "c.pem", tmp_path / "k.pem")

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            body = b'{"state": "RUNNING"}'
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"https://127.0.0.1:{port}/v3", cert_pem
    finally:
        server.close()
        await server.wait_closed()


async def test_only_the_pinned_service_certificate_is_accepted(tls_service):
    url, pinned = tls_service
    good = SmartIdClient(SmartIdConfig(url, PARTY, "DEMO", pinned_certificates=pinned))
    try:
        assert (await good.status("abc")).running
    finally:
        await good.aclose()
    other, _ = _self_signed("127.0.0.1")
    impostor = SmartIdClient(SmartIdConfig(url, PARTY, "DEMO", pinned_certificates=other))
    try:
        with pytest.raises(SkError) as refused:
            await impostor.status("abc")
        assert refused.value.code == "SIGNING_SERVICE_UNAVAILABLE"
    finally:
        await impostor.aclose()


async def test_pinned_certificates_may_hold_the_next_one_too(tls_service):
    # https_pinning.html lists the certificate in use and its successor: a PEM file with
    # both keeps working across SK's change of certificate.
    url, pinned = tls_service
    successor, _ = _self_signed("127.0.0.1", (0, 400))
    client = SmartIdClient(
        SmartIdConfig(url, PARTY, "DEMO", pinned_certificates=successor + pinned)
    )
    try:
        assert (await client.status("abc")).running
    finally:
        await client.aclose()


@pytest.mark.parametrize("validity", [(-30, -1)])
async def test_an_expired_pinned_certificate_is_not_accepted(tls_service):
    # api_details.html "RP API endpoint authentication": the certificate must also be valid
    url, pinned = tls_service
    client = SmartIdClient(SmartIdConfig(url, PARTY, "DEMO", pinned_certificates=pinned))
    try:
        with pytest.raises(SkError) as refused:
            await client.status("abc")
        assert refused.value.code == "SIGNING_SERVICE_UNAVAILABLE"
    finally:
        await client.aclose()


def test_an_https_client_without_pinned_certificates_is_refused():
    with pytest.raises(ValueError, match="pinned"):
        SmartIdClient(SmartIdConfig("https://rp-api.smart-id.com/v3", PARTY, "DEMO"))
