"""PAdES B-LT and B-LTA: validation data after each signature, archive timestamps after the
last, validation years later offline, renewal, and the PDF version kept at 1.7 (PDF/A-2B)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import _issuing
from signing.errors import CertificateRevoked
from signing.ltv import (
    LongTermSetup,
    add_archive_timestamp,
    add_validation_data,
    newest_timestamp,
)
from signing.ltv_validation import verify_long_term
from signing.pades import sign_with_key
from signing.pki import Credentials, DevelopmentPki
from signing.revocation import DevelopmentOcsp
from signing.timestamps import local_timestamper
from signing.verify import verify_document
from tests.signing.conftest import FIRST, SECOND, make_pdf
from tests.signing.validators import (
    assert_openssl_cms_valid,
    assert_openssl_document_timestamps_valid,
    assert_openssl_timestamps_valid,
    assert_pdfsig_valid,
    make_nss_db,
)

CHAIR = ("38001085718", "Mari", "Maasikas")
MEMBER = ("49002010976", "Kati", "Karu")


@pytest.fixture(scope="module")
def own_pki(tmp_path_factory: pytest.TempPathFactory) -> DevelopmentPki:
    """A PKI of this module's own: revocations and TSA keys made here stay here."""
    return DevelopmentPki.create(tmp_path_factory.mktemp("ltv-pki"))


@pytest.fixture(scope="module")
def setup(own_pki: DevelopmentPki) -> LongTermSetup:
    return LongTermSetup(
        DevelopmentOcsp(own_pki), (own_pki.root_certificate_pem,), local_timestamper(own_pki)
    )


async def sign_as_committee(pki: DevelopmentPki, setup: LongTermSetup, *, long_term: bool) -> bytes:
    """Two people sign as the workflow does: B-LT after the first, B-LTA after the last."""
    stamper = setup.timestamper
    once = await sign_with_key(
        make_pdf(), FIRST, pki.person(*MEMBER), timestamper=stamper, lock=False, reason="Liige"
    )
    if long_term:
        once = await add_validation_data(once, setup)
    twice = await sign_with_key(
        once, SECOND, pki.person(*CHAIR), timestamper=stamper, lock=True, reason="Esimees"
    )
    return await add_archive_timestamp(twice, setup) if long_term else twice


def expiry(pki: DevelopmentPki, person: tuple[str, str, str]) -> dt.datetime:
    return x509.load_pem_x509_certificate(pki.person(*person).certificate_pem).not_valid_after_utc


async def test_each_signature_gets_its_validation_data_and_the_last_an_archive_timestamp(
    own_pki: DevelopmentPki, setup: LongTermSetup, tmp_path: Path
) -> None:
    once = await sign_with_key(
        make_pdf(), FIRST, own_pki.person(*MEMBER), timestamper=setup.timestamper, lock=False,
        reason="Liige",
    )  # fmt: skip
    with_data = await add_validation_data(once, setup)
    report = await verify_document(with_data, trust_roots=[own_pki.root_certificate_pem])
    assert report.valid
    assert report.level == "B-LT"
    assert with_data.startswith(once)

    signed = await sign_as_committee(own_pki, setup, long_term=True)

    report = await verify_document(signed, trust_roots=[own_pki.root_certificate_pem])
    assert report.valid
    assert [s.level for s in report.signatures] == ["B-LTA", "B-LTA"]
    assert not any(s.modified_after for s in report.signatures)
    reader = PdfFileReader(BytesIO(signed))
    dss = reader.root["/DSS"]
    assert len(dss["/OCSPs"]) >= 3  # both signers and the TSA, answered after signing
    root = own_pki.root_certificate_pem
    nss = make_nss_db(tmp_path / "nss", root)
    assert_pdfsig_valid(signed, nss, expected_signatures=2, last_covers_all=False,
                        document_timestamps=1)  # fmt: skip
    assert_openssl_cms_valid(signed, root, expected_signatures=2)
    assert assert_openssl_timestamps_valid(signed, root, own_pki.tsa().certificate_pem) == 2
    assert (
        assert_openssl_document_timestamps_valid(signed, root, own_pki.tsa().certificate_pem) == 1
    )


async def test_years_after_the_signers_certificates_expired_the_document_validates_offline(
    own_pki: DevelopmentPki, setup: LongTermSetup
) -> None:
    # given a protocol signed B-LTA, and the same signed B-T only
    archived = await sign_as_committee(own_pki, setup, long_term=True)
    plain = await sign_as_committee(own_pki, setup, long_term=False)
    # when validated three years after both signers' certificates expired, fetching nothing
    later = max(expiry(own_pki, CHAIR), expiry(own_pki, MEMBER)) + dt.timedelta(days=3 * 365)
    roots = [own_pki.root_certificate_pem]

    verdicts = await verify_long_term(archived, trust_roots=roots, at=later)
    without_data = await verify_long_term(plain, trust_roots=roots, at=later)

    # then what the document carries proves both signatures; without it nothing can
    assert [v.valid for v in verdicts] == [True, True], verdicts
    assert all(v.best_signature_time and v.best_signature_time < later for v in verdicts)
    assert not any(v.valid for v in without_data)


async def test_a_revoked_tsa_or_signer_gets_no_validation_data(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    pki = DevelopmentPki.create(tmp_path_factory.mktemp("revoked-pki"))
    setup = LongTermSetup(DevelopmentOcsp(pki), (pki.root_certificate_pem,), local_timestamper(pki))
    signed = await sign_with_key(
        make_pdf(), FIRST, pki.person(*CHAIR), timestamper=setup.timestamper, lock=True, reason="OK"
    )
    pki.revoke(pki.tsa().certificate_pem)

    with pytest.raises(CertificateRevoked):
        await add_archive_timestamp(signed, setup)


async def test_renewal_chains_archive_timestamps_past_the_first_tsas_expiry(
    own_pki: DevelopmentPki, setup: LongTermSetup
) -> None:
    archived = await sign_as_committee(own_pki, setup, long_term=True)
    first = newest_timestamp(archived)
    assert first is not None
    assert first.archive
    # the TSA rolls its key; the renewal timestamps with the new one
    renewing = LongTermSetup(
        setup.revocation,
        setup.trust_roots,
        local_timestamper(own_pki, own_pki.next_tsa(years=15)),
    )

    renewed = await add_archive_timestamp(archived, renewing)

    second = newest_timestamp(renewed)
    assert second is not None
    assert second.tsa_not_after > first.tsa_not_after
    assert renewed.startswith(archived)
    report = await verify_document(renewed, trust_roots=[own_pki.root_certificate_pem])
    assert report.valid
    assert report.level == "B-LTA"
    assert len(PdfFileReader(BytesIO(renewed)).embedded_timestamp_signatures) == 2
    # a year after the first TSA certificate expired, the chain still holds
    after_first_tsa = first.tsa_not_after + dt.timedelta(days=365)
    verdicts = await verify_long_term(
        renewed, trust_roots=[own_pki.root_certificate_pem], at=after_first_tsa
    )
    assert [v.valid for v in verdicts] == [True, True], verdicts
    lapsed = await verify_long_term(
        archived, trust_roots=[own_pki.root_certificate_pem], at=after_first_tsa
    )
    assert not any(v.valid for v in lapsed)


@pytest.mark.parametrize("key", ["ec-p256", "ec-p384", "rsa-2048"])
async def test_signing_keeps_pdf_17_as_pdf_a_2b_requires(
    own_pki: DevelopmentPki, setup: LongTermSetup, key: str
) -> None:
    original = make_pdf()

    signed = await sign_with_key(
        original, FIRST, own_pki.person(*CHAIR, key=key), timestamper=setup.timestamper,
        lock=True, reason="OK",
    )  # fmt: skip
    archived = await add_archive_timestamp(signed, setup)

    for document in (signed, archived):
        reader = PdfFileReader(BytesIO(document))
        assert str(reader.root.get("/Version", "/1.7")) == "/1.7"
        extensions = reader.root["/Extensions"]
        assert "/ISO_" not in extensions  # no ISO 32001/32002 (PDF 2.0) extension
        assert "/ESIC" in extensions  # PAdES on PDF 1.7 (ETSI EN 319 142-1)


async def test_a_tsa_certificate_naming_no_responder_is_embedded_without_an_answer(
    own_pki: DevelopmentPki, setup: LongTermSetup
) -> None:
    # given a TSA whose certificate names no OCSP responder (as some real TSA certificates)
    root_key = _issuing.key_from_pem((own_pki.directory / "root.key.pem").read_bytes())
    tsa_key = _issuing.generate_key("rsa-2048")
    now = dt.datetime.now(dt.UTC)
    tsa_cert = _issuing.issue(
        subject=_issuing.simple_name("TSA without OCSP", "Test"),
        public_key=tsa_key,
        issuer=x509.load_pem_x509_certificate(own_pki.root_certificate_pem),
        issuer_key=root_key,
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=365),
        key_usage=_issuing.KeyUsage(digital_signature=True, content_commitment=False),
        extended_key_usage=_issuing.TIME_STAMPING,
    )
    quiet_tsa = Credentials(
        _issuing.key_to_pem(tsa_key),
        tsa_cert.public_bytes(serialization.Encoding.PEM),
        (own_pki.root_certificate_pem,),
    )
    quiet = LongTermSetup(
        setup.revocation, setup.trust_roots, local_timestamper(own_pki, quiet_tsa)
    )
    signed = await sign_with_key(
        make_pdf(), FIRST, own_pki.person(*CHAIR), timestamper=quiet.timestamper, lock=True,
        reason="OK",
    )  # fmt: skip

    archived = await add_archive_timestamp(signed, quiet)

    report = await verify_document(archived, trust_roots=[own_pki.root_certificate_pem])
    assert report.valid
    assert report.level == "B-LTA"
    dss = PdfFileReader(BytesIO(archived)).root["/DSS"]
    assert len(dss["/OCSPs"]) >= 1  # the signer's, and none for the quiet TSA
