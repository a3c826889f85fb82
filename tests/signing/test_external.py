"""Two-step signing with an external device, simulated by a key that signs the digest."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path

import pytest
from asn1crypto import algos
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from signing._issuing import pem_to_der
from signing.errors import CertificateRejected, SignatureInvalid, SigningError
from signing.pades import complete_external, prepare_external, sign_with_key
from signing.pki import Credentials, DevelopmentPki
from signing.timestamps import http_timestamper, local_timestamper
from signing.verify import verify_document
from tests.signing.conftest import FIRST, SECOND, make_pdf
from tests.signing.validators import (
    assert_openssl_cms_valid,
    assert_openssl_timestamps_valid,
    assert_pdfsig_valid,
)

NOW = dt.datetime.now(dt.UTC)
_HASHES = {"SHA-256": hashes.SHA256(), "SHA-384": hashes.SHA384()}


def device_sign(credentials: Credentials, digest: bytes, hash_function: str, scheme: str) -> bytes:
    """What a card, Mobile-ID or Smart-ID returns: ECDSA raw r||s (or DER), RSA v1.5 or PSS."""
    key = serialization.load_pem_private_key(credentials.private_key_pem, password=None)
    algorithm = _HASHES[hash_function]
    prehashed = utils.Prehashed(algorithm)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        der = key.sign(digest, ec.ECDSA(prehashed))
        return der if scheme == "ecdsa-der" else algos.DSASignature.load(der).to_p1363()
    assert isinstance(key, rsa.RSAPrivateKey)
    if scheme == "pss":
        pss = padding.PSS(mgf=padding.MGF1(algorithm), salt_length=algorithm.digest_size)
        return key.sign(digest, pss, prehashed)
    return key.sign(digest, padding.PKCS1v15(), prehashed)


@pytest.mark.parametrize(
    ("key", "scheme", "hash_function"),
    [
        ("ec-p256", "ecdsa-raw", "SHA-256"),
        ("ec-p256", "ecdsa-der", "SHA-256"),
        ("ec-p384", "ecdsa-raw", "SHA-384"),
        ("rsa-2048", "pkcs1v15", "SHA-256"),
        ("rsa-2048", "pss", "SHA-256"),
    ],
)
async def test_external_signature_end_to_end(
    pki: DevelopmentPki, tsa_url: str, nssdir: Path, key: str, scheme: str, hash_function: str
) -> None:
    person = pki.person("38001085718", "Mari", "Maasikas", key=key)
    original = make_pdf()

    prepared = await prepare_external(
        original, SECOND, pem_to_der(person.certificate_pem), lock=True, reason="Kinnitan",
        signature_scheme="pss" if scheme == "pss" else None,
    )  # fmt: skip
    signature = device_sign(person, prepared.digest, prepared.hash_function, scheme)
    signed = await complete_external(
        prepared.state, signature, timestamper=http_timestamper(tsa_url)
    )

    assert prepared.hash_function == hash_function
    assert signed.startswith(original)
    assert_pdfsig_valid(signed, nssdir, expected_signatures=1)
    assert_openssl_cms_valid(signed, pki.root_certificate_pem, expected_signatures=1)
    assert_openssl_timestamps_valid(signed, pki.root_certificate_pem, pki.tsa().certificate_pem)
    report = await verify_document(signed, trust_roots=[pki.root_certificate_pem])
    assert report.valid
    assert report.signatures[0].signer_personal_code == "38001085718"
    assert report.signatures[0].level == "B-T"


async def test_wrong_signature_is_refused_and_nothing_changes(pki: DevelopmentPki) -> None:
    person = pki.person("38001085718", "Mari", "Maasikas")
    original = make_pdf()
    kept = bytes(original)
    prepared = await prepare_external(
        original, SECOND, pem_to_der(person.certificate_pem), lock=True, reason="OK"
    )
    other = pki.person("49002124277", "Kati", "Karu")
    wrong = device_sign(other, prepared.digest, prepared.hash_function, "ecdsa-raw")

    with pytest.raises(SignatureInvalid):
        await complete_external(prepared.state, wrong, timestamper=local_timestamper(pki))
    with pytest.raises(SignatureInvalid):
        await complete_external(prepared.state, b"\x00" * 64, timestamper=local_timestamper(pki))

    assert original == kept
    right = device_sign(person, prepared.digest, prepared.hash_function, "ecdsa-raw")
    signed = await complete_external(prepared.state, right, timestamper=local_timestamper(pki))
    assert (await verify_document(signed, trust_roots=[pki.root_certificate_pem])).valid


async def test_state_completes_in_another_process(pki: DevelopmentPki, tmp_path: Path) -> None:
    person = pki.person("38001085718", "Mari", "Maasikas", key="ec-p384")
    prepared = await prepare_external(
        make_pdf(), SECOND, pem_to_der(person.certificate_pem), lock=True, reason="OK"
    )
    (tmp_path / "state").write_bytes(prepared.state)
    signature = device_sign(person, prepared.digest, prepared.hash_function, "ecdsa-raw")
    (tmp_path / "signature").write_bytes(signature)
    script = (
        "import asyncio, sys; from pathlib import Path\n"
        "from signing.pades import complete_external\n"
        "from signing.pki import DevelopmentPki\n"
        "from signing.timestamps import local_timestamper\n"
        "d = Path(sys.argv[1]); pki = DevelopmentPki.load(Path(sys.argv[2]))\n"
        "out = asyncio.run(complete_external((d / 'state').read_bytes(),"
        " (d / 'signature').read_bytes(), timestamper=local_timestamper(pki)))\n"
        "(d / 'signed.pdf').write_bytes(out)\n"
    )

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-W", "error", "-c", script, str(tmp_path), str(pki.directory),
        cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert await process.wait() == 0

    signed = (tmp_path / "signed.pdf").read_bytes()
    assert (await verify_document(signed, trust_roots=[pki.root_certificate_pem])).valid


async def test_server_key_then_external_lock_both_verify(
    pki: DevelopmentPki, tsa_url: str, nssdir: Path
) -> None:
    stamper = http_timestamper(tsa_url)
    first = await sign_with_key(
        make_pdf(pages=2), FIRST, pki.eseal(), timestamper=stamper, lock=False, reason="Koostatud"
    )
    person = pki.person("38001085718", "Mari", "Maasikas", key="ec-p384")
    prepared = await prepare_external(
        first, SECOND, pem_to_der(person.certificate_pem), lock=True, reason="Kinnitan"
    )
    signature = device_sign(person, prepared.digest, prepared.hash_function, "ecdsa-raw")

    signed = await complete_external(prepared.state, signature, timestamper=stamper)

    assert signed.startswith(first)
    assert_pdfsig_valid(signed, nssdir, expected_signatures=2)
    assert_openssl_cms_valid(signed, pki.root_certificate_pem, expected_signatures=2)
    report = await verify_document(signed, trust_roots=[pki.root_certificate_pem])
    assert report.valid
    assert [s.covers_whole_document for s in report.signatures] == [False, True]
    assert [s.modified_after for s in report.signatures] == [False, False]


async def test_damaged_state_raises_signing_error(pki: DevelopmentPki) -> None:
    with pytest.raises(SigningError):
        await complete_external(b"garbage", b"\x00" * 64, timestamper=local_timestamper(pki))


@pytest.mark.parametrize(("key", "scheme"), [("rsa-2048", "ecdsa"), ("ec-p256", "pss")])
async def test_scheme_must_fit_the_key(pki: DevelopmentPki, key: str, scheme: str) -> None:
    person = pki.person("38001085718", "Mari", "Maasikas", key=key)

    with pytest.raises(SigningError):
        await prepare_external(
            make_pdf(), SECOND, pem_to_der(person.certificate_pem), lock=True, reason="OK",
            signature_scheme=scheme,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"not_before": NOW - dt.timedelta(days=30), "not_after": NOW - dt.timedelta(days=1)},
         "EXPIRED"),
        ({"key_usage": {"digital_signature"}}, "KEY_USAGE"),
    ],
)  # fmt: skip
async def test_prepare_refuses_unusable_certificates(
    pki: DevelopmentPki, overrides: dict[str, object], reason: str
) -> None:
    person = pki.person("38001085718", "Mari", "Maasikas", **overrides)  # type: ignore[arg-type]

    with pytest.raises(CertificateRejected) as caught:
        await prepare_external(
            make_pdf(), SECOND, pem_to_der(person.certificate_pem), lock=True, reason="OK"
        )

    assert caught.value.reason == reason
