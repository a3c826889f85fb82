"""Appeal statistics per awarding body, standard and year."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.appeal import Appeal
from models.clock import today
from models.enums import ParticipantResult, Role
from tests.appeal.conftest import (
    APPEAL_DECIDE,
    APPEAL_FILE,
    APPEAL_REVIEW,
    examinee_of,
    filing,
    personal_token,
)
from tests.appeal.test_refusals import _under_review
from tests.protocol.conftest import HeldExam

STATISTICS = """
{ appealStatistics { awardingBody standard year filed open decided upheld withdrawn overdue
  shareUpheld medianDaysToDecision } }"""


async def test_share_upheld_median_days_and_overdue(api, decided: HeldExam):
    # one upheld (decided three days after receipt), one still open and overdue
    appeal_id = await _under_review(api, decided)
    await api.query(
        APPEAL_DECIDE,
        {"id": appeal_id, "upheld": True, "reason": "Jah."},
        as_=(decided.chair, Role.COMMISSION_CHAIR),
    )
    await Appeal.all().update(received_on=today() - timedelta(days=3))
    partial = examinee_of(decided, ParticipantResult.PARTIALLY_PASSED)
    token = personal_token(api, await partial.person)
    filed = await api.query(APPEAL_FILE, {"input": filing(partial)}, token=token)
    open_id = filed["data"]["appealFile"]["appeal"]["id"]
    await api.query(APPEAL_REVIEW, {"id": open_id}, as_=(decided.body_user, Role.AWARDING_BODY))
    await Appeal.filter(decided_at__isnull=True).update(decision_due=today() - timedelta(days=1))

    body = await api.query(STATISTICS, as_=(decided.body_user, Role.AWARDING_BODY))
    chair = await api.post(
        STATISTICS, token=await api.token_for(decided.chair, Role.COMMISSION_CHAIR)
    )

    [figures] = body["data"]["appealStatistics"]
    assert figures["awardingBody"] == "Eesti Keevitajate Ühing"
    assert figures["year"] == today().year or figures["year"] == today().year - 1
    assert (figures["filed"], figures["open"], figures["decided"], figures["upheld"]) == (
        2,
        1,
        1,
        1,
    )
    assert figures["overdue"] == 1
    assert figures["shareUpheld"] == 1.0
    assert figures["medianDaysToDecision"] == 3.0
    assert chair.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("year", [-26842, 0, 10_000])
async def test_a_year_no_calendar_has_is_a_clear_error(api, decided: HeldExam, year: int):
    body = await api.query(
        "query($year: Int) { appealStatistics(year: $year) { filed } }",
        {"year": year},
        as_=(decided.body_user, Role.AWARDING_BODY),
    )

    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "`year` must be between 1 and 9999"
