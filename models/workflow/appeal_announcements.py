"""When a result or a decision was announced, which starts the appeal period: the day of
the last signature on the signed assessment protocol (results, per group) or commission
protocol (the decision, per exam)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tortoise.backends.base.client import BaseDBAsyncClient

from models.clock import today
from models.enums import AppealSubject, ProtocolKind, ProtocolStatus
from models.organisation import Organisation
from models.participant import Participant
from models.protocol import Protocol, Signature
from models.workflow.appeal_deadlines import AppealPeriod


def period_of(body: Organisation) -> AppealPeriod:
    return AppealPeriod(
        days=body.appeal_period_days,
        in_working_days=body.appeal_period_in_working_days,
        decision_days=body.appeal_decision_days,
    )


@dataclass(frozen=True)
class Announcements:
    """When results (per group) and decisions (per exam) were announced: the day of the last
    signature on the signed assessment or commission protocol. Absent while unsigned."""

    result_on: dict[int, date]  # group id → day
    decision_on: dict[int, date]  # exam id → day
    protocol_number: dict[int, str]  # exam id → signed commission protocol's number

    def of(self, subject: AppealSubject, exam_id: int, group_id: int | None) -> date | None:
        if subject is AppealSubject.RESULT:
            return self.result_on.get(group_id) if group_id is not None else None
        return self.decision_on.get(exam_id)


async def announcements(
    exam_ids: Sequence[int], connection: BaseDBAsyncClient | None = None
) -> Announcements:
    """The announcements of these exams' signed protocols, in two queries."""
    protocols = (
        await Protocol.filter(exam_id__in=list(set(exam_ids)), status=ProtocolStatus.SIGNED)
        .using_db(connection)
        .values(
            "id", "exam_id", "group_id", "kind", "number", "date", "supersedes_id", "superseded_at"
        )
    )
    last: dict[int, date] = {}
    signatures = (
        await Signature.filter(protocol_id__in=[p["id"] for p in protocols])
        .using_db(connection)
        .values("protocol_id", "signed_at")
    )
    for row in signatures:
        day = today(row["signed_at"])
        last[row["protocol_id"]] = max(day, last.get(row["protocol_id"], day))
    result_on: dict[int, date] = {}
    decision_on: dict[int, date] = {}
    numbers: dict[int, str] = {}
    for p in protocols:
        day = last.get(p["id"], p["date"])
        if p["kind"] == ProtocolKind.ASSESSMENT:
            result_on[p["group_id"]] = day
        else:
            # The decision was announced with the original protocol (a correction after an
            # appeal does not open a new period); the number shown is the one in force.
            if p["supersedes_id"] is None:
                decision_on[p["exam_id"]] = day
            if p["superseded_at"] is None:
                numbers[p["exam_id"]] = p["number"]
    return Announcements(result_on, decision_on, numbers)


async def announced_on(
    participant: Participant, subject: AppealSubject, connection: BaseDBAsyncClient
) -> date | None:
    """The day the participant's result or decision was announced; None while unsigned."""
    found = await announcements([participant.exam_id], connection)
    return found.of(subject, participant.exam_id, participant.group_id)
