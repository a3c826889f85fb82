"""The demo data has one appeal waiting and one decided, with the chair's signed decision."""

from __future__ import annotations

import datetime as dt

from app.demo import load_demo_data
from models.appeal import Appeal, AppealDocument
from models.enums import AppealStatus
from signing.verify import verify_document


async def test_one_appeal_waits_and_one_is_decided_and_signed(api) -> None:
    signing = api.app.state.signing
    await load_demo_data(signing, today=dt.date(2026, 11, 21))

    appeals = await Appeal.all().order_by("id")

    assert [a.status for a in appeals] == [AppealStatus.UNDER_REVIEW, AppealStatus.REJECTED]
    document = await AppealDocument.get(appeal_id=appeals[1].id)
    report = await verify_document(document.content, trust_roots=signing.trust_roots)
    assert report.valid
    assert len(report.signatures) == 1
    assert all(a.filing_deadline >= a.received_on for a in appeals)
