"""The OCSP check every signing method calls: good passes, revoked and suspended are refused,
and no trustworthy answer is refused too (never a soft pass)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from asn1crypto import ocsp as asn1_ocsp
from cryptography import x509

from signing._issuing import pem_to_der
from signing.errors import CertificateRevoked, RevocationUnavailable
from signing.pki import DevelopmentPki
from signing.revocation import DevelopmentOcsp, HttpOcsp, RevocationSource, check_signer
from signing.tsa_server import free_port, running_tsa, served_ocsp_url


@pytest.fixture(scope="module")
def own_pki(tmp_path_factory: pytest.TempPathFactory) -> DevelopmentPki:
    """A PKI of this module's own: revoking here leaves the session's PKI alone."""
    return DevelopmentPki.create(tmp_path_factory.mktemp("revocation-pki"))


@pytest.fixture
def person(own_pki: DevelopmentPki) -> Iterator[bytes]:
    certificate = own_pki.person("38001085718", "Mari", "Maasikas").certificate_pem
    yield certificate
    own_pki.release(certificate)


async def check(pki: DevelopmentPki, certificate: bytes, source: RevocationSource | None = None):  # type: ignore[no-untyped-def]
    return await check_signer(
        certificate, issuers=[pki.root_certificate_pem], source=source or DevelopmentOcsp(pki)
    )


async def test_a_good_certificate_passes_with_a_signed_answer(own_pki, person) -> None:
    evidence = await check(own_pki, person)

    assert evidence.produced_at <= dt.datetime.now(dt.UTC)
    responder = x509.load_der_x509_certificate(evidence.responder_certificates[0])
    assert responder == x509.load_pem_x509_certificate(own_pki.ocsp_responder().certificate_pem)
    assert responder.extensions.get_extension_for_class(x509.OCSPNoCheck)


@pytest.mark.parametrize(
    ("reason", "expected"),
    [("key_compromise", "REVOKED"), ("superseded", "REVOKED"), ("certificate_hold", "SUSPENDED")],
)
async def test_revoked_and_suspended_are_refused(own_pki, person, reason, expected) -> None:
    own_pki.revoke(person, reason)

    with pytest.raises(CertificateRevoked) as refused:
        await check(own_pki, person)

    assert refused.value.code == "CERTIFICATE_REVOKED"
    assert refused.value.reason == expected
    assert "/" in refused.value.message  # Estonian / English


async def test_a_released_suspension_passes_again(own_pki, person) -> None:
    own_pki.revoke(person, "certificate_hold")
    own_pki.release(person)

    await check(own_pki, person)


async def test_the_served_responder_answers_the_same(own_pki, person) -> None:
    # given a revoked colleague, and certomancer started after it (it reads its config once)
    colleague = own_pki.person("49002010976", "Kati", "Karu").certificate_pem
    own_pki.revoke(colleague)
    with running_tsa(own_pki) as tsa_url:
        served = HttpOcsp(served_ocsp_url(tsa_url))

        # then the good one passes and the revoked one is refused, over HTTP
        await check(own_pki, person, served)
        with pytest.raises(CertificateRevoked):
            await check(own_pki, colleague, served)
        # and the TSA is no OCSP responder: its answer is not trusted
        with pytest.raises(RevocationUnavailable):
            await check(own_pki, person, HttpOcsp(tsa_url))


async def test_the_responder_named_in_the_certificate_is_asked(own_pki, person) -> None:
    named = x509.load_der_x509_certificate(pem_to_der(person))
    access = named.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert [d.access_location.value for d in access] == ["http://127.0.0.1/eksamihaldus/ocsp/root"]

    # nothing listens on port 80 here: no answer, refused
    with pytest.raises(RevocationUnavailable):
        await check(own_pki, person, HttpOcsp(timeout=2))


async def test_no_answer_is_refused(own_pki, person) -> None:
    silent = HttpOcsp(f"http://127.0.0.1:{free_port()}/ocsp", timeout=2)

    with pytest.raises(RevocationUnavailable) as refused:
        await check(own_pki, person, silent)

    assert refused.value.code == "REVOCATION_UNAVAILABLE"


class _Tampered(RevocationSource):
    """A real answer changed on the way (a byte of its signature flipped)."""

    def __init__(self, pki: DevelopmentPki) -> None:
        self.inner = DevelopmentOcsp(pki)

    async def ask(self, certificate: x509.Certificate, request: bytes) -> bytes:
        answer = await self.inner.ask(certificate, request)
        signature = asn1_ocsp.OCSPResponse.load(answer).basic_ocsp_response["signature"].native
        changed = bytearray(answer)
        changed[answer.index(signature) + len(signature) // 2] ^= 0x01
        return bytes(changed)


class _Replayed(RevocationSource):
    """The first answer given again to every later request (its nonce no longer fits)."""

    def __init__(self, pki: DevelopmentPki) -> None:
        self.inner = DevelopmentOcsp(pki)
        self.first: bytes | None = None

    async def ask(self, certificate: x509.Certificate, request: bytes) -> bytes:
        if self.first is None:
            self.first = await self.inner.ask(certificate, request)
        return self.first


async def test_untrustworthy_answers_are_refused(own_pki, person, foreign_pki) -> None:
    with pytest.raises(RevocationUnavailable, match="signature"):
        await check(own_pki, person, _Tampered(own_pki))

    replayed = _Replayed(own_pki)
    await check(own_pki, person, replayed)
    with pytest.raises(RevocationUnavailable, match="nonce"):
        await check(own_pki, person, replayed)

    # another PKI's responder has no say about this root's certificates
    with pytest.raises(RevocationUnavailable):
        await check(own_pki, person, DevelopmentOcsp(foreign_pki))


async def test_a_stale_answer_is_refused(own_pki, person) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)

    with pytest.raises(RevocationUnavailable, match="stale"):
        await check_signer(
            person,
            issuers=[own_pki.root_certificate_pem],
            source=DevelopmentOcsp(own_pki),
            at=later,
        )


async def test_an_unknown_issuer_is_refused(own_pki, person, foreign_pki) -> None:
    with pytest.raises(RevocationUnavailable, match="issuer"):
        await check_signer(
            person, issuers=[foreign_pki.root_certificate_pem], source=DevelopmentOcsp(own_pki)
        )
