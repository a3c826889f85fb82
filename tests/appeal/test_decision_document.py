"""The appeal decision as a signed PDF, checked by pyHanko, pdfsig and openssl like the
protocols."""

from __future__ import annotations

import asyncio

from models.appeal import AppealDocument
from models.enums import Role, SignatureMethod
from signing.verify import verify_document
from tests.appeal.conftest import APPEAL_DECIDE
from tests.appeal.test_refusals import _under_review
from tests.protocol.conftest import HeldExam
from tests.signing.validators import assert_openssl_cms_valid, assert_pdfsig_valid, make_nss_db


async def test_the_decision_is_signed_by_the_chair_and_verifies(
    api, decided: HeldExam, test_pki, tmp_path
):
    appeal_id = await _under_review(api, decided)

    answer = await api.query(
        APPEAL_DECIDE,
        {"id": appeal_id, "upheld": True, "reason": "Hindaja ei arvestanud ülesannet nr 3."},
        as_=(decided.chair, Role.COMMISSION_CHAIR),
    )

    assert answer["data"]["appealDecide"]["userErrors"] == []
    document = await AppealDocument.get()
    assert document.method is SignatureMethod.SERVER_KEY
    assert document.signer_id == decided.chair.id
    report = await verify_document(document.content, trust_roots=(test_pki.root_certificate_pem,))
    assert [(s.intact, s.trusted) for s in report.signatures] == [(True, True)]
    assert report.level == "B-LTA"  # as a decision signed on the chair's device
    nss = make_nss_db(tmp_path / "nss", test_pki.root_certificate_pem)
    assert_pdfsig_valid(
        document.content, nss, expected_signatures=1, last_covers_all=False, document_timestamps=1
    )
    assert_openssl_cms_valid(document.content, test_pki.root_certificate_pem, expected_signatures=1)
    path = tmp_path / "otsus.pdf"
    path.write_bytes(document.content)
    process = await asyncio.create_subprocess_exec(
        "pdftotext", str(path), "-", stdout=asyncio.subprocess.PIPE
    )
    text = (await process.communicate())[0].decode()
    assert "Vaie rahuldatakse" in text
    assert "ülesannet nr 3" in text
    # names only on the decision, never a personal code
    for group in decided.groups:
        for participant in decided.participants[group.id]:
            person = await participant.person
            assert person.personal_code not in text
