"""Signing with a key held by the application (the e-seal) — PAdES B-T, checked independently."""

from __future__ import annotations

from pathlib import Path

import pytest

from signing.errors import DocumentUnreadable, SigningError, TimestampUnavailable
from signing.pades import sign_with_key
from signing.pki import DevelopmentPki
from signing.timestamps import http_timestamper, local_timestamper
from signing.verify import verify_document
from tests.pki import free_port
from tests.signing.conftest import FIRST, SECOND, make_pdf, with_empty_field
from tests.signing.validators import (
    assert_openssl_cms_valid,
    assert_openssl_timestamps_valid,
    assert_pdfsig_valid,
)


async def test_eseal_signature_with_http_tsa(
    pki: DevelopmentPki, tsa_url: str, nssdir: Path
) -> None:
    original = make_pdf()

    signed = await sign_with_key(
        original, FIRST, pki.eseal(), timestamper=http_timestamper(tsa_url), lock=True,
        reason="Väljavõte / Extract",
    )  # fmt: skip

    assert signed.startswith(original)  # appended, never re-rendered
    assert_pdfsig_valid(signed, nssdir, expected_signatures=1)
    assert_openssl_cms_valid(signed, pki.root_certificate_pem, expected_signatures=1)
    assert (
        assert_openssl_timestamps_valid(signed, pki.root_certificate_pem, pki.tsa().certificate_pem)
        == 1
    )
    report = await verify_document(signed, trust_roots=[pki.root_certificate_pem])
    assert report.valid
    (signature,) = report.signatures
    assert signature.field_name == FIRST.name
    assert signature.signer_name == "Eksamihaldus e-tempel"
    assert signature.signer_personal_code is None
    assert signature.level == "B-T"
    assert signature.timestamp_time is not None
    assert signature.covers_whole_document


async def test_local_timestamper_and_two_key_signatures(pki: DevelopmentPki, nssdir: Path) -> None:
    stamper = local_timestamper(pki)
    person = pki.person("38001085718", "Mari", "Maasikas", key="rsa-2048")

    once = await sign_with_key(
        make_pdf(), FIRST, pki.eseal(), timestamper=stamper, lock=False, reason="Koostatud"
    )
    twice = await sign_with_key(once, SECOND, person, timestamper=stamper, lock=True, reason="OK")

    assert_pdfsig_valid(twice, nssdir, expected_signatures=2)
    assert_openssl_cms_valid(twice, pki.root_certificate_pem, expected_signatures=2)
    report = await verify_document(twice, trust_roots=[pki.root_certificate_pem])
    assert report.valid
    assert [s.signer_personal_code for s in report.signatures] == [None, "38001085718"]


async def test_signs_into_an_existing_empty_field_and_locks_it(
    pki: DevelopmentPki, nssdir: Path
) -> None:
    prepared = with_empty_field(make_pdf(), SECOND)

    signed = await sign_with_key(
        prepared, SECOND, pki.eseal(), timestamper=local_timestamper(pki), lock=True, reason="OK"
    )

    assert b"/Lock" in signed[len(prepared) :]
    assert_pdfsig_valid(signed, nssdir, expected_signatures=1)
    assert (await verify_document(signed, trust_roots=[pki.root_certificate_pem])).valid


async def test_a_signed_field_cannot_be_signed_again(pki: DevelopmentPki) -> None:
    stamper = local_timestamper(pki)
    signed = await sign_with_key(
        make_pdf(), FIRST, pki.eseal(), timestamper=stamper, lock=False, reason="OK"
    )

    with pytest.raises(SigningError):
        await sign_with_key(signed, FIRST, pki.eseal(), timestamper=stamper, lock=True, reason="x")


async def test_tsa_down_raises_timestamp_unavailable(pki: DevelopmentPki) -> None:
    nobody = http_timestamper(f"http://127.0.0.1:{free_port()}/tsa", timeout=2)

    with pytest.raises(TimestampUnavailable) as caught:
        await sign_with_key(
            make_pdf(), FIRST, pki.eseal(), timestamper=nobody, lock=True, reason="OK"
        )

    assert caught.value.code == "TIMESTAMP_UNAVAILABLE"


async def test_refuses_what_is_not_a_pdf(pki: DevelopmentPki) -> None:
    with pytest.raises(DocumentUnreadable) as caught:
        await sign_with_key(
            b"hello", FIRST, pki.eseal(), timestamper=local_timestamper(pki), lock=True,
            reason="OK",
        )  # fmt: skip

    assert caught.value.reason == "NOT_A_PDF"
