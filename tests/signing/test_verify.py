"""Verification verdicts: tampering, later changes, untrusted signers, unreadable input."""

from __future__ import annotations

import asyncio
import random
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from signing.errors import DocumentUnreadable
from signing.pades import sign_with_key
from signing.pki import DevelopmentPki
from signing.timestamps import local_timestamper
from signing.verify import VerificationReport, verify_document
from tests.signing.conftest import FIRST, SECOND, make_pdf
from tests.signing.tampering import add_annotation


@pytest.fixture(scope="module")
async def two_signatures(pki: DevelopmentPki) -> bytes:
    """E-seal first (not locking), then a person locking the document."""
    stamper = local_timestamper(pki)
    once = await sign_with_key(
        make_pdf(), FIRST, pki.eseal(), timestamper=stamper, lock=False, reason="Koostatud"
    )
    person = pki.person("38001085718", "Mari", "Maasikas")
    return await sign_with_key(once, SECOND, person, timestamper=stamper, lock=True, reason="OK")


def change_text(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (Sooritatud) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


async def test_both_signatures_valid(pki: DevelopmentPki, two_signatures: bytes) -> None:
    report = await verify_document(two_signatures, trust_roots=[pki.root_certificate_pem])

    assert report.valid
    assert report.problem is None
    assert [s.field_name for s in report.signatures] == [FIRST.name, SECOND.name]


async def test_flipped_byte_in_signed_range_is_not_intact(
    pki: DevelopmentPki, two_signatures: bytes
) -> None:
    tampered = bytearray(two_signatures)
    position = two_signatures.index(b"/MediaBox [0 0 595") + len(b"/MediaBox [0 0 ")
    tampered[position] ^= 0x01  # "595" -> "495": in the first revision, signed by both

    report = await verify_document(bytes(tampered), trust_roots=[pki.root_certificate_pem])

    assert not report.valid
    assert not any(s.intact for s in report.signatures)


@pytest.mark.parametrize("change", [add_annotation, change_text])
async def test_change_after_locking_signature_is_reported(
    pki: DevelopmentPki, two_signatures: bytes, change: object
) -> None:
    changed = change(two_signatures)  # type: ignore[operator]

    report = await verify_document(changed, trust_roots=[pki.root_certificate_pem])

    assert not report.valid
    assert all(s.intact for s in report.signatures)
    assert all(s.modified_after for s in report.signatures)
    assert not report.signatures[-1].covers_whole_document


async def test_foreign_root_is_not_trusted(
    foreign_pki: DevelopmentPki, two_signatures: bytes
) -> None:
    report = await verify_document(two_signatures, trust_roots=[foreign_pki.root_certificate_pem])

    assert not report.valid
    assert all(s.intact and not s.trusted for s in report.signatures)


async def test_unsigned_pdf_has_no_signatures(pki: DevelopmentPki) -> None:
    report = await verify_document(make_pdf(), trust_roots=[pki.root_certificate_pem])

    assert report.problem == "NO_SIGNATURES"
    assert not report.valid


async def test_encrypted_pdf(pki: DevelopmentPki, tmp_path: Path) -> None:
    (tmp_path / "plain.pdf").write_bytes(make_pdf())
    qpdf = await asyncio.create_subprocess_exec(
        "qpdf", "--encrypt", "user", "owner", "256", "--", "plain.pdf", "locked.pdf",
        cwd=tmp_path,
    )  # fmt: skip
    assert await qpdf.wait() == 0

    with pytest.raises(DocumentUnreadable) as caught:
        await verify_document(
            (tmp_path / "locked.pdf").read_bytes(), trust_roots=[pki.root_certificate_pem]
        )

    assert caught.value.reason == "ENCRYPTED"


@pytest.mark.parametrize(
    ("data", "max_bytes", "reason"),
    [
        (b"", 100, "NOT_A_PDF"),
        (b"PK\x03\x04 a zip file", 100, "NOT_A_PDF"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 4, 1 << 20, "CORRUPT"),
        (b"%PDF-1.7\n" + b"x" * 200, 100, "TOO_LARGE"),
    ],
)
async def test_unreadable_input(
    pki: DevelopmentPki, data: bytes, max_bytes: int, reason: str
) -> None:
    with pytest.raises(DocumentUnreadable) as caught:
        await verify_document(data, trust_roots=[pki.root_certificate_pem], max_bytes=max_bytes)

    assert caught.value.reason == reason
    assert caught.value.code == "DOCUMENT_UNREADABLE"


async def test_fuzzed_input_gives_a_report_or_document_unreadable(
    pki: DevelopmentPki, two_signatures: bytes
) -> None:
    rng = random.Random(20260601)
    samples = [two_signatures[:cut] for cut in (9, 100, 1000, len(two_signatures) // 2, -1, -30)]
    for _ in range(40):
        flipped = bytearray(two_signatures)
        for _ in range(rng.randint(1, 8)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        samples.append(bytes(flipped))
    samples.append(b"%PDF-1.4\n" + rng.randbytes(5000))

    outcomes: list[str] = []
    for sample in samples:
        try:
            report = await verify_document(sample, trust_roots=[pki.root_certificate_pem])
        except DocumentUnreadable as e:
            outcomes.append(e.reason)
        else:
            assert isinstance(report, VerificationReport)
            outcomes.append("valid" if report.valid else "invalid")

    assert "valid" not in outcomes[:6]  # no truncation keeps every signature valid
