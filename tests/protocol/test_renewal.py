"""`eksamihaldus documents renew-timestamps`, run as an operator would: the signed protocols
whose newest timestamp's TSA certificate expires soon get a new archive timestamp, once."""

from __future__ import annotations

import hashlib
import shutil
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader

from models.enums import Role
from models.protocol import Protocol, ProtocolDocument
from signing.pki import DevelopmentPki
from signing.verify import verify_document
from tests.app.test_cli import _run
from tests.protocol.conftest import HeldExam
from tests.protocol.test_signing_flow import PROTOCOL_SIGN, commission_pk, create_assessment

# The development TSA certificate is valid for ten years: "expires within 3700 days" is now.
SOON = "3700"


async def signed_protocol(api, held: HeldExam) -> int:  # type: ignore[no-untyped-def]
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    for member in held.committees[group.id]:
        data = await api.query(
            PROTOCOL_SIGN, {"protocol": protocol["id"]}, as_=(member, Role.ASSESSOR)
        )
        assert data["data"]["protocolSign"]["userErrors"] == []
    return commission_pk(protocol["id"])


def pki_copy(test_pki: DevelopmentPki, directory: Path) -> DevelopmentPki:
    """The session PKI's keys in a folder of the test's own (a TSA key rolled there stays)."""
    shutil.copytree(test_pki.directory, directory)
    return DevelopmentPki.load(directory)


def archive_timestamps(pdf: bytes) -> int:
    return len(PdfFileReader(BytesIO(pdf)).embedded_timestamp_signatures)


async def renew(app, pki: DevelopmentPki, monkeypatch) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EH_PKI_DIR", str(pki.directory))
    return await _run(app, "documents", "renew-timestamps", "--within-days", SOON)


async def test_renewal_adds_one_archive_timestamp_and_is_idempotent(  # type: ignore[no-untyped-def]
    app, api, held: HeldExam, test_pki, tmp_path, monkeypatch
):
    pk = await signed_protocol(api, held)
    before = (await ProtocolDocument.get(protocol_id=pk)).content
    assert archive_timestamps(before) == 1
    pki = pki_copy(test_pki, tmp_path / "pki")
    pki.next_tsa(years=15)  # the TSA has rolled its key

    code, out, err = await renew(app, pki, monkeypatch)

    assert code == 0, err
    assert "1 renewed" in out
    after = (await ProtocolDocument.get(protocol_id=pk)).content
    assert after.startswith(before)
    assert archive_timestamps(after) == 2
    report = await verify_document(after, trust_roots=[pki.root_certificate_pem])
    assert report.valid
    assert report.level == "B-LTA"
    protocol = await Protocol.get(id=pk)
    assert protocol.document_sha256 == hashlib.sha256(after).hexdigest()

    # run again: the newest timestamp is now far from expiry, nothing to do
    code, out, err = await renew(app, pki, monkeypatch)

    assert code == 0, err
    assert "0 renewed" in out
    assert (await ProtocolDocument.get(protocol_id=pk)).content == after


async def test_a_renewal_that_would_not_help_is_reported_and_not_stored(  # type: ignore[no-untyped-def]
    app, api, held: HeldExam, test_pki, tmp_path, monkeypatch
):
    pk = await signed_protocol(api, held)
    before = (await ProtocolDocument.get(protocol_id=pk)).content
    pki = pki_copy(test_pki, tmp_path / "pki")  # the TSA's own certificate expires soon too

    code, out, _ = await renew(app, pki, monkeypatch)

    assert code == 1
    assert "0 renewed" in out
    assert "expires within the margin" in out
    assert (await ProtocolDocument.get(protocol_id=pk)).content == before
