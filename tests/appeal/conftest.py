"""An exam whose results and decision are announced (protocols signed), and its examinees."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from app.auth import issue_token
from models.enums import ParticipantResult
from models.events import CHANNEL, Event, add_listener, remove_listener
from models.participant import Participant
from models.person import Person
from tests.protocol.conftest import HeldExam, make_held_exam
from tests.protocol.phone import (  # noqa: F401 - fixtures of the decision's phone signing
    phone_api,
    phone_app,
    phone_setup,
    sim,
    sk_simulator,
)
from tests.protocol.test_certificates import complete_exam
from tests.protocol.test_signing_flow import gid

APPEAL_FILE = """
mutation($input: AppealFileInput!) {
  appealFile(input: $input) {
    appeal { id status subject channel version receivedOn filingDeadline decisionDue overdue
      examinee { firstName personalCode } attachments { filename size } }
    userErrors { code field message }
  }
}"""
APPEAL_REVIEW = """
mutation($id: ID!) {
  appealReviewStart(id: $id) { appeal { status version } userErrors { code } }
}"""
APPEAL_DECIDE = """
mutation($id: ID!, $upheld: Boolean!, $reason: String!) {
  appealDecide(id: $id, upheld: $upheld, reason: $reason) {
    appeal { status decidedAt decisionReason version } userErrors { code message }
  }
}"""
APPEAL_WITHDRAW = """
mutation($id: ID!) {
  appealWithdraw(id: $id) { appeal { status } userErrors { code } }
}"""
APPEALS = """
query($filter: AppealFilter) {
  appeals(first: 50, filter: $filter) {
    totalCount edges { node { id status subject overdue examinee { personalCode } } }
  }
}"""
MY_PARTICIPATIONS = """
{ myParticipations { id standardName groupName date time place room language resultAnnounced result
  score points { part points } decisionAnnounced awarded commissionProtocolNumber
  resultAppealDeadline decisionAppealDeadline
  appeals { id status subject decisionSigned decisionDocumentUrl } } }"""

PDF = b"%PDF-1.7\n% an appeal's attachment\n%%EOF\n"


async def file_with(
    api: Any, input: dict[str, Any], files: list[tuple[str, bytes]], token: str
) -> dict[str, Any]:
    """`appealFile` as a GraphQL multipart request: `files` become `input.attachments`."""
    variables = {"input": {**input, "attachments": [{"file": None} for _ in files]}}
    mapping = {str(i): [f"variables.input.attachments.{i}.file"] for i in range(len(files))}
    response = await api.http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": APPEAL_FILE, "variables": variables}),
            "map": json.dumps(mapping),
        },
        files={
            str(i): (name, content, "application/pdf") for i, (name, content) in enumerate(files)
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def personal_token(api: Any, person: Person) -> str:
    """A token for the person's own view (no role)."""
    return issue_token(
        api.app.state.keys,
        api.app.state.settings,
        person_id=person.id,
        role=None,
        organisation_id=None,
    )


def examinee_of(held: HeldExam, result: ParticipantResult) -> Participant:
    return next(
        p for g in held.groups for p in held.participants[g.id] if held.results[p.id] is result
    )


def filing(participant: Participant, **overrides: Any) -> dict[str, Any]:
    return {
        "participant": gid("Participant", participant.id),
        "subject": "DECISION",
        "reason": "Hindamine oli ebaõiglane.",
        **overrides,
    }


@pytest.fixture
async def heard(database_url: str) -> AsyncIterator[list[Event]]:
    """The committed events, as a subscriber hears them: on PostgreSQL through LISTEN on its
    own connection, on SQLite from the in-process dispatch."""
    events: list[Event] = []
    if database_url.startswith("postgres"):
        connection = await asyncpg.connect(database_url.split("?")[0])
        await connection.add_listener(
            CHANNEL, lambda _c, _pid, _channel, payload: events.append(Event.decode(payload))
        )
        try:
            yield events
        finally:
            await connection.close()
    else:
        add_listener(events.append)
        try:
            yield events
        finally:
            remove_listener(events.append)


@pytest.fixture
async def decided(api) -> HeldExam:  # type: ignore[no-untyped-def]
    """Every protocol signed: results and the commission's decision are announced today."""
    held = await make_held_exam(groups=1, per_group=4)
    await complete_exam(api, held)
    return held
