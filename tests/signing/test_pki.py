"""The development PKI: files, idempotence, ID-card-like person certificates."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing.errors import SigningError
from signing.pki import DevelopmentPki


def test_create_is_idempotent_and_keys_are_private(tmp_path: Path) -> None:
    first = DevelopmentPki.create(tmp_path / "pki")
    again = DevelopmentPki.create(tmp_path / "pki")

    assert again.root_certificate_pem == first.root_certificate_pem
    assert again.tsa().certificate_pem == first.tsa().certificate_pem
    for key_file in (tmp_path / "pki").glob("*.key.pem"):
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.certomancer_config.is_file()
    assert DevelopmentPki.load(tmp_path / "pki").root_certificate_pem == first.root_certificate_pem


def test_load_missing_pki_raises(tmp_path: Path) -> None:
    with pytest.raises(SigningError):
        DevelopmentPki.load(tmp_path / "nothing")


def test_person_certificate_looks_like_an_id_card(pki: DevelopmentPki) -> None:
    credentials = pki.person("38001085718", "Mari", "Maasikas")
    cert = x509.load_pem_x509_certificate(credentials.certificate_pem)

    def value(oid: x509.ObjectIdentifier) -> str:
        return str(cert.subject.get_attributes_for_oid(oid)[0].value)

    assert value(NameOID.COUNTRY_NAME) == "EE"
    assert value(NameOID.COMMON_NAME) == "MAASIKAS,MARI,38001085718"
    assert value(NameOID.SURNAME) == "MAASIKAS"
    assert value(NameOID.GIVEN_NAME) == "MARI"
    assert value(NameOID.SERIAL_NUMBER) == "PNOEE-38001085718"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment
    cert.verify_directly_issued_by(x509.load_pem_x509_certificate(pki.root_certificate_pem))
    assert pki.person("38001085718", "Mari", "Maasikas") == credentials  # cached


def test_person_overrides_are_not_cached(pki: DevelopmentPki) -> None:
    expired_until = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    expired = pki.person(
        "38001085718", "Mari", "Maasikas", not_before=expired_until - dt.timedelta(days=9),
        not_after=expired_until,
    )  # fmt: skip
    cert = x509.load_pem_x509_certificate(expired.certificate_pem)

    assert cert.not_valid_after_utc == expired_until
    assert pki.person("38001085718", "Mari", "Maasikas").certificate_pem != expired.certificate_pem


def test_tsa_and_eseal(pki: DevelopmentPki) -> None:
    tsa = x509.load_pem_x509_certificate(pki.tsa().certificate_pem)
    eku = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    eseal = x509.load_pem_x509_certificate(pki.eseal().certificate_pem)

    assert eku.critical
    assert ExtendedKeyUsageOID.TIME_STAMPING in eku.value
    assert eseal.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "Eksamihaldus e-tempel"
    )
    organisation_id = eseal.subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)
    assert str(organisation_id[0].value).startswith("NTREE-")


def test_foreign_pki_has_another_root(pki: DevelopmentPki, foreign_pki: DevelopmentPki) -> None:
    assert foreign_pki.root_certificate_pem != pki.root_certificate_pem
