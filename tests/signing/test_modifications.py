"""What may change after a signature: the tampering matrix against ``verify_document``.

After the locking (last) signature only validation data (/DSS) and document timestamps may be
appended; between signatures only signature fields may be filled. Metadata counts as content.
pdfsig, which does no modification analysis, is the independent view that *something* was
appended after an intact signature ("Not total document signed").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from signing.pades import sign_with_key
from signing.pki import DevelopmentPki
from signing.timestamps import local_timestamper
from signing.verify import VerificationReport, verify_document
from tests.signing import tampering
from tests.signing.conftest import FIRST, SECOND, make_pdf
from tests.signing.validators import assert_pdfsig_appended_after, assert_pdfsig_valid


@pytest.fixture(scope="module")
async def half_signed(pki: DevelopmentPki) -> bytes:
    """A document with a text field, signed by the e-seal without locking (one more to come)."""
    base = tampering.add_text_field(make_pdf())
    return await sign_with_key(
        base, FIRST, pki.eseal(), timestamper=local_timestamper(pki), lock=False, reason="K"
    )


@pytest.fixture(scope="module")
async def locked(pki: DevelopmentPki, half_signed: bytes) -> bytes:
    """``half_signed`` with a person's locking signature: every signature is done."""
    person = pki.person("38001085718", "Mari", "Maasikas")
    return await sign_with_key(
        half_signed, SECOND, person, timestamper=local_timestamper(pki), lock=True, reason="OK"
    )


async def verify(pki: DevelopmentPki, pdf: bytes) -> VerificationReport:
    return await verify_document(pdf, trust_roots=[pki.root_certificate_pem])


async def test_the_untouched_documents_are_valid(
    pki: DevelopmentPki, half_signed: bytes, locked: bytes, nssdir: Path
) -> None:
    for document, count in ((half_signed, 1), (locked, 2)):
        report = await verify(pki, document)

        assert report.valid
        assert report.signatures[-1].covers_whole_document
        assert_pdfsig_valid(document, nssdir, expected_signatures=count)


@pytest.mark.parametrize("change", tampering.CHANGES.values(), ids=tampering.CHANGES.keys())
async def test_a_change_after_the_locking_signature_is_reported(
    pki: DevelopmentPki, locked: bytes, nssdir: Path, change: Callable[[bytes], bytes]
) -> None:
    changed = change(locked)

    report = await verify(pki, changed)

    assert not report.valid
    assert all(s.intact and s.trusted for s in report.signatures)  # the signatures themselves hold
    assert all(s.modified_after for s in report.signatures)
    assert not report.signatures[-1].covers_whole_document
    assert_pdfsig_appended_after(changed, nssdir, expected_signatures=2)


@pytest.mark.parametrize("change", tampering.CHANGES.values(), ids=tampering.CHANGES.keys())
async def test_a_change_between_signatures_is_reported(
    pki: DevelopmentPki, half_signed: bytes, nssdir: Path, change: Callable[[bytes], bytes]
) -> None:
    changed = change(half_signed)

    report = await verify(pki, changed)

    assert not report.valid
    assert report.signatures[0].intact
    assert report.signatures[0].trusted
    assert report.signatures[0].modified_after
    assert_pdfsig_appended_after(changed, nssdir, expected_signatures=1)


@pytest.mark.parametrize("change", tampering.CHANGES.values(), ids=tampering.CHANGES.keys())
async def test_a_later_locking_signature_does_not_hide_a_change_between_signatures(
    pki: DevelopmentPki, half_signed: bytes, change: Callable[[bytes], bytes]
) -> None:
    person = pki.person("38001085718", "Mari", "Maasikas")
    changed = await sign_with_key(
        change(half_signed),
        SECOND,
        person,
        timestamper=local_timestamper(pki),
        lock=True,
        reason="OK",
    )

    report = await verify(pki, changed)

    assert not report.valid
    assert report.signatures[0].modified_after  # the e-seal did not sign what came after it
    assert report.signatures[1].covers_whole_document


async def test_signature_fields_may_be_added_and_signed_between_signatures(
    pki: DevelopmentPki, half_signed: bytes
) -> None:
    with_field = tampering.add_empty_signature_field(half_signed)

    report = await verify(pki, with_field)

    assert report.valid
    assert not any(s.modified_after for s in report.signatures)


async def test_after_the_lock_not_even_an_empty_signature_field_may_be_added(
    pki: DevelopmentPki, locked: bytes
) -> None:
    changed = tampering.add_empty_signature_field(locked)

    report = await verify(pki, changed)

    assert not report.valid
    assert all(s.modified_after for s in report.signatures)


async def test_validation_data_after_the_lock_keeps_the_document_valid(
    pki: DevelopmentPki, locked: bytes
) -> None:
    with_dss = tampering.add_validation_data(locked, pki.root_certificate_pem)

    report = await verify(pki, with_dss)

    assert report.valid
    assert not any(s.modified_after for s in report.signatures)
    assert not report.signatures[-1].covers_whole_document
    assert [s.level for s in report.signatures] == ["B-LT", "B-LT"]


async def test_a_document_timestamp_after_the_lock_keeps_the_document_valid(
    pki: DevelopmentPki, locked: bytes
) -> None:
    timestamped = await tampering.add_document_timestamp(locked, local_timestamper(pki))

    report = await verify(pki, timestamped)

    assert report.valid
    assert not any(s.modified_after for s in report.signatures)
    assert len(report.signatures) == 2  # a document timestamp is not a signature


async def test_validation_data_then_a_document_timestamp_is_b_lta_and_valid(
    pki: DevelopmentPki, locked: bytes
) -> None:
    with_dss = tampering.add_validation_data(locked, pki.root_certificate_pem)
    archived = await tampering.add_document_timestamp(with_dss, local_timestamper(pki))

    report = await verify(pki, archived)

    assert report.valid
    assert [s.level for s in report.signatures] == ["B-LTA", "B-LTA"]


async def test_validation_data_does_not_excuse_a_retitle_in_the_same_revision(
    pki: DevelopmentPki, locked: bytes, nssdir: Path
) -> None:
    changed = tampering.add_validation_data_and_retitle(locked, pki.root_certificate_pem)

    report = await verify(pki, changed)

    assert not report.valid
    assert all(s.modified_after for s in report.signatures)
    assert_pdfsig_appended_after(changed, nssdir, expected_signatures=2)


async def test_a_change_after_validation_data_is_still_reported(
    pki: DevelopmentPki, locked: bytes
) -> None:
    with_dss = tampering.add_validation_data(locked, pki.root_certificate_pem)

    report = await verify(pki, tampering.retitle_info(with_dss))

    assert not report.valid
    assert all(s.modified_after for s in report.signatures)
