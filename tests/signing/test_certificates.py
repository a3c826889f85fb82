"""Checking a signer's certificate before a signing session."""

from __future__ import annotations

import datetime as dt

import pytest

from signing._issuing import pem_to_der
from signing.certificates import read_signing_certificate
from signing.errors import CertificateRejected
from signing.pki import DevelopmentPki

NOW = dt.datetime.now(dt.UTC)


def test_accepts_an_id_card_like_certificate(pki: DevelopmentPki) -> None:
    der = pem_to_der(pki.person("38001085718", "Mari", "Maasikas", key="ec-p384").certificate_pem)

    cert = read_signing_certificate(der, trust_roots=[pki.root_certificate_pem], at=NOW)

    assert cert.personal_code == "38001085718"
    assert cert.common_name == "MAASIKAS,MARI,38001085718"
    assert cert.key_type == "ec-p384"
    assert cert.not_before < NOW < cert.not_after


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"not_after": NOW - dt.timedelta(days=1), "not_before": NOW - dt.timedelta(days=30)},
         "EXPIRED"),
        ({"not_before": NOW + dt.timedelta(days=1)}, "NOT_YET_VALID"),
        ({"key_usage": {"digital_signature"}}, "KEY_USAGE"),
    ],
)  # fmt: skip
def test_rejects(pki: DevelopmentPki, overrides: dict[str, object], reason: str) -> None:
    credentials = pki.person("38001085718", "Mari", "Maasikas", **overrides)  # type: ignore[arg-type]

    with pytest.raises(CertificateRejected) as caught:
        read_signing_certificate(
            pem_to_der(credentials.certificate_pem), trust_roots=[pki.root_certificate_pem], at=NOW
        )

    assert caught.value.reason == reason
    assert caught.value.code == "CERTIFICATE_REJECTED"


def test_rejects_a_foreign_certificate(pki: DevelopmentPki, foreign_pki: DevelopmentPki) -> None:
    der = pem_to_der(foreign_pki.person("38001085718", "Mari", "Maasikas").certificate_pem)

    with pytest.raises(CertificateRejected) as caught:
        read_signing_certificate(der, trust_roots=[pki.root_certificate_pem], at=NOW)

    assert caught.value.reason == "UNTRUSTED"


def test_rejects_garbage(pki: DevelopmentPki) -> None:
    with pytest.raises(CertificateRejected) as caught:
        read_signing_certificate(b"\x30\x03abc", trust_roots=[pki.root_certificate_pem], at=NOW)

    assert caught.value.reason == "MALFORMED"
