"""Signing chosen from settings: development by default, Estonian CAs in production."""

from __future__ import annotations

from cryptography import x509

from app.settings import Settings
from app.signing import estonian_roots, signing_setup


def _subjects(pems: tuple[bytes, ...]) -> list[str]:
    certificates = [
        x509.load_pem_x509_certificate(p)
        if p.startswith(b"-----")
        else x509.load_der_x509_certificate(p)
        for p in pems
    ]
    return [c.subject.rfc4514_string() for c in certificates]


def test_production_trusts_the_estonian_issuing_cas_and_no_test_ca():
    subjects = _subjects(estonian_roots())

    assert any("CN=ESTEID2018" in s for s in subjects)  # issues ID-card certificates
    assert any("EID-Q" in s for s in subjects)  # Smart-ID and Mobile-ID
    assert not any("TEST" in s.upper() or "DEMO" in s.upper() for s in subjects)


def test_development_signs_with_held_keys_and_trusts_only_its_own_root(test_pki):
    setup = signing_setup(Settings(pki_dir=test_pki.directory))

    assert setup.person_keys is not None
    assert setup.trust_roots == (test_pki.root_certificate_pem,)


def test_development_answers_ocsp_for_its_own_pki_and_asks_the_named_responder_otherwise(
    test_pki,
):
    from signing.revocation import DevelopmentOcsp, HttpOcsp

    development = signing_setup(Settings(pki_dir=test_pki.directory)).revocation
    configured = signing_setup(
        Settings(pki_dir=test_pki.directory, ocsp_url="http://127.0.0.1:9/ocsp")
    ).revocation

    assert isinstance(development, DevelopmentOcsp)
    assert isinstance(development.others, HttpOcsp)
    assert development.others.url is None  # the responder each certificate names (AIA)
    assert isinstance(configured, HttpOcsp)
    assert configured.url == "http://127.0.0.1:9/ocsp"
