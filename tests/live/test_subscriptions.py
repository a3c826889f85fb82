"""Subscriptions over a real socket: what arrives after a commit, and who is refused."""

from __future__ import annotations

import base64
import time
from datetime import timedelta

import pytest
import websockets

from models.clock import now
from models.enums import ExamStatus, Role, SignatureMethod, SigningSessionStatus
from models.events import Event, Topic, publish, transaction
from models.exam import Exam
from models.person import Person, RoleAssignment
from models.protocol import SigningSession
from schema.node import to_global_id
from signing._issuing import pem_to_der
from tests.appeal.test_decision_signing import complete, decided_unsigned, keys, start
from tests.exam.conftest import School
from tests.exam.test_workflow import DELETE, SUBMIT, UPDATE, _create, _ready_exam
from tests.factories import create_exam, create_protocol, create_school, create_user
from tests.live.client import LiveClient, watching
from tests.protocol.conftest import HeldExam
from tests.protocol.test_certificates import complete_exam
from tests.protocol.test_signing_flow import PROTOCOL_SIGN, create_assessment
from tests.signing.test_external import device_sign

EXAM_CHANGED = """
subscription ($id: ID!) {
  examChanged(id: $id) { examId kind status version actorId actorRole at }
}"""
PROTOCOL_CHANGED = """
subscription ($id: ID!) {
  protocolChanged(id: $id) { protocolId examId kind status version actorRole }
}"""
NOTIFICATION_RECEIVED = """
subscription { notificationReceived { id kind subject link readAt } }
"""
SESSION_CHANGED = """
subscription ($id: String!) {
  signingSessionChanged(id: $id) { sessionId status code verificationCode }
}"""


async def _comment(api, exam: Exam | str, person: Person, text: str) -> None:  # type: ignore[no-untyped-def]
    """examUpdate as the school user `person`: one committed change."""
    if isinstance(exam, str):
        exam = await Exam.get(id=int(_pk(exam)))
    result = await api.query(
        UPDATE,
        {
            "id": to_global_id("Exam", exam.id),
            "version": exam.version,
            "input": {"comment": text},
        },
        as_=(person, Role.SCHOOL),
    )
    assert result["data"]["examUpdate"]["userErrors"] == [], result


def _pk(global_id: str) -> int:
    from schema.node import from_global_id

    decoded = from_global_id(global_id)
    assert decoded is not None
    return decoded[1]


async def _draft_of_another_school(api) -> tuple[Person, Exam]:  # type: ignore[no-untyped-def]
    school = await create_school()
    person = await create_user(Role.SCHOOL, school)
    exam = await create_exam(school=school, responsible=person, status=ExamStatus.DRAFT)
    return person, exam


async def test_a_committed_exam_change_reaches_its_subscriber(api, world: School, live_url):
    # given a school user subscribed to their exam
    exam = (await _create(api, world))["exam"]
    async with LiveClient.signed_in(live_url, await api.token_for(*world.as_school())) as live:
        await live.subscribe("1", EXAM_CHANGED, {"id": exam["id"]})
        first = await live.live("1", "examChanged")
        assert (first["status"], first["version"], first["actorId"]) == ("DRAFT", 1, None)
        # when they change it
        await _comment(api, exam["id"], world.user, "Ruumi vahetus")
        # then the change arrives: what, who, the status and version after it
        change = (await live.next("1"))["data"]["examChanged"]
        assert change["examId"] == exam["id"]
        assert change["kind"] == "exam.update"
        assert change["status"] == "DRAFT"
        assert change["version"] == 2
        assert change["actorId"] == to_global_id("Person", world.user.id)
        assert change["actorRole"] == "SCHOOL"


async def test_someone_elses_exam_is_not_found_and_sends_nothing(api, world: School, live_url):
    # given another school's user asking for this school's exam
    exam = (await _create(api, world))["exam"]
    outsider, own = await _draft_of_another_school(api)
    async with LiveClient.signed_in(live_url, await api.token_for(outsider, Role.SCHOOL)) as live:
        await live.subscribe("1", EXAM_CHANGED, {"id": exam["id"]})
        # then it is NOT_FOUND and the subscription ends
        refused = await live.next("1")
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert (await live.receive()) == {"id": "1", "type": "complete"}
        # and a change to that exam sends nothing: the next message on the socket is the
        # change the outsider made to their own exam afterwards
        await live.subscribe("2", EXAM_CHANGED, {"id": to_global_id("Exam", own.id)})
        await live.live("2", "examChanged")
        await _comment(api, exam["id"], world.user, "Ruumi vahetus")
        await _comment(api, own, outsider, "Oma muudatus")
        change = (await live.next("2"))["data"]["examChanged"]
        assert change["examId"] == to_global_id("Exam", own.id)


async def test_a_private_subscription_without_a_token_closes_the_socket(api, world, live_url):
    exam = (await _create(api, world))["exam"]
    async with LiveClient.signed_in(live_url) as live:
        await live.subscribe("1", EXAM_CHANGED, {"id": exam["id"]})
        assert await live.closed() == (4401, "UNAUTHENTICATED")


async def test_a_refused_token_in_connection_init_closes_the_socket(api, world, live_url):
    token = await api.token_for(*world.as_school())
    async with LiveClient.open(live_url, token=token[:-4] + "AAAA") as live:
        code, reason = await live.closed()
    assert code == 4401
    assert reason.startswith("UNAUTHENTICATED")


async def test_the_socket_closes_when_the_token_expires(api, app, world: School, live_url):
    # given a token that expires in two seconds
    moment = int(time.time())
    settings = app.state.settings
    token = app.state.keys.sign(
        {
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            "sub": str(world.user.id),
            "role": "SCHOOL",
            "org": world.school.id,
            "iat": moment,
            "nbf": moment,
            "exp": moment + 2,
        }
    )
    async with LiveClient.signed_in(live_url, token) as live:
        await live.subscribe("1", NOTIFICATION_RECEIVED)
        # then the server closes the socket itself
        assert await live.closed() == (4401, "UNAUTHENTICATED: the access token has expired")


async def test_a_withdrawn_role_stops_the_events(api, world: School, live_url):
    # given a second school user subscribed to the school's exam
    exam = (await _create(api, world))["exam"]
    colleague = await create_user(Role.SCHOOL, world.school)
    async with LiveClient.signed_in(live_url, await api.token_for(colleague, Role.SCHOOL)) as live:
        await live.subscribe("1", EXAM_CHANGED, {"id": exam["id"]})
        await live.live("1", "examChanged")
        await _comment(api, exam["id"], world.user, "Esimene")
        assert (await live.next("1"))["data"]["examChanged"]["version"] == 2
        # when the colleague's role is withdrawn and the exam changes again
        await RoleAssignment.filter(person_id=colleague.id).delete()
        await _comment(api, exam["id"], world.user, "Teine")
        # then that change is not sent: the socket closes instead
        code, reason = await live.closed()
    assert code == 4401
    assert reason.startswith("UNAUTHENTICATED")


async def test_a_deleted_exam_ends_its_subscription(api, world: School, live_url):
    exam = (await _create(api, world))["exam"]
    async with LiveClient.signed_in(live_url, await api.token_for(*world.as_school())) as live:
        await live.subscribe("1", EXAM_CHANGED, {"id": exam["id"]})
        await live.live("1", "examChanged")
        deleted = await api.query(DELETE, {"id": exam["id"], "version": 1}, as_=world.as_school())
        assert deleted["data"]["examDelete"]["userErrors"] == []
        ended = await live.next("1")
        assert ended["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert (await live.receive()) == {"id": "1", "type": "complete"}


async def test_too_many_subscriptions_on_one_socket_are_refused_with_a_code(
    api, app, world, live_url
):
    limit = app.state.settings.ws_max_subscriptions
    exam = (await _create(api, world))["exam"]
    async with LiveClient.signed_in(live_url, await api.token_for(*world.as_school())) as live:
        for n in range(limit):
            await live.subscribe(str(n), NOTIFICATION_RECEIVED)
        # the one over the limit is refused with its code
        await live.subscribe("over", EXAM_CHANGED, {"id": exam["id"]})
        refused = await live.receive()
        assert refused["type"] == "error"
        assert refused["id"] == "over"
        assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
        # and the refused one hears nothing, while a freed place can be taken again
        await live.complete("0")
        await live.subscribe("again", EXAM_CHANGED, {"id": exam["id"]})
        await live.live("again", "examChanged")
        await _comment(api, exam["id"], world.user, "Muudetud")
        assert (await live.next("again"))["data"]["examChanged"]["version"] == 2


async def test_a_submission_notifies_the_awarding_body_live(api, world: School, live_url):
    exam_id, _ = await _ready_exam(api, world)
    token = await api.token_for(*world.as_body())
    async with LiveClient.signed_in(live_url, token) as live:
        await live.subscribe("1", NOTIFICATION_RECEIVED)
        await watching(1)
        submitted = await api.query(SUBMIT, {"id": exam_id, "version": 1}, as_=world.as_school())
        assert submitted["data"]["examSubmit"]["userErrors"] == []
        notification = (await live.next("1"))["data"]["notificationReceived"]
        assert notification["kind"] == "exam.submitted"
        assert exam_id in notification["link"]
        assert notification["readAt"] is None


async def test_a_signature_reaches_protocol_subscribers(api, held: HeldExam, live_url):
    # given the awarding body watching a group's new assessment protocol
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    token = await api.token_for(held.body_user, Role.AWARDING_BODY)
    async with LiveClient.signed_in(live_url, token) as live:
        await live.subscribe("1", PROTOCOL_CHANGED, {"id": protocol["id"]})
        assert (await live.live("1", "protocolChanged"))["status"] == "DRAFT"
        # when the committee chair signs
        chair = held.committees[group.id][0]
        signed = await api.query(
            PROTOCOL_SIGN, {"protocol": protocol["id"]}, as_=(chair, Role.ASSESSOR)
        )
        assert signed["data"]["protocolSign"]["userErrors"] == []
        # then the body hears of the signature and the protocol's new status
        change = (await live.next("1"))["data"]["protocolChanged"]
        assert change["kind"] == "signature.added"
        assert change["status"] == "SIGNING"
        assert change["examId"] == to_global_id("Exam", held.exam.id)
        assert change["actorRole"] == "ASSESSOR"


async def test_an_assessor_of_another_committee_may_not_watch_the_protocol(api, held, live_url):
    protocol = await create_assessment(api, held, held.groups[0])
    token = await api.token_for(held.other_assessor, Role.ASSESSOR)
    async with LiveClient.signed_in(live_url, token) as live:
        await live.subscribe("1", PROTOCOL_CHANGED, {"id": protocol["id"]})
        refused = await live.next("1")
        assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def _session(held: HeldExam, signer: Person) -> SigningSession:
    protocol = await create_protocol(held.exam, held.groups[0])
    return await SigningSession.create(
        session_key="s-" + str(signer.id),
        protocol=protocol,
        signer=signer,
        signer_role="ASSESSOR",
        method=SignatureMethod.SMART_ID,
        state=b"",
        certificate=b"",
        base_sha256="0" * 64,
        expires_at=now() + timedelta(minutes=5),
    )


async def _session_event(session: SigningSession, status: SigningSessionStatus) -> None:
    """What the Smart-ID/Mobile-ID poller publishes when a session moves on."""
    async with transaction() as connection:
        await publish(
            connection,
            Event(
                topic=Topic.SIGNING_SESSION,
                key=session.id,
                kind="session.status",
                at=now(),
                data={"status": status.value, "code": None, "verificationCode": "4821"},
            ),
        )


async def test_a_signing_session_is_followed_by_its_signer_and_the_body(api, held, live_url):
    signer = held.committees[held.groups[0].id][0]
    session = await _session(held, signer)
    signer_token = await api.token_for(signer, Role.ASSESSOR)
    body_token = await api.token_for(held.body_user, Role.AWARDING_BODY)
    outsider_token = await api.token_for(held.other_assessor, Role.ASSESSOR)
    async with (
        LiveClient.signed_in(live_url, signer_token) as mine,
        LiveClient.signed_in(live_url, body_token) as body,
        LiveClient.signed_in(live_url, outsider_token) as outsider,
    ):
        for client in (mine, body, outsider):
            await client.subscribe("s", SESSION_CHANGED, {"id": session.session_key})
        refused = await outsider.next("s")
        assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        await watching(2)
        await _session_event(session, SigningSessionStatus.WAITING)
        # the signer sees the verification code; the awarding body only the status
        assert (await mine.next("s"))["data"]["signingSessionChanged"] == {
            "sessionId": session.session_key,
            "status": "WAITING",
            "code": None,
            "verificationCode": "4821",
        }
        assert (await body.next("s"))["data"]["signingSessionChanged"]["verificationCode"] is None


async def test_a_socket_from_another_origin_is_refused(api, live_url):
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with LiveClient.open(live_url, origin="https://evil.example"):
            pass
    assert refused.value.response.status_code == 403
    async with LiveClient.open(live_url, origin="http://localhost:5173") as live:
        assert (await live.receive())["type"] == "connection_ack"


async def test_an_argument_over_its_limit_is_refused_before_anything_is_watched(
    api, world: School, live_url
):
    async with LiveClient.signed_in(live_url, await api.token_for(*world.as_school())) as live:
        await live.subscribe("1", SESSION_CHANGED, {"id": "ž" * 10_000})
        refused = await live.receive()
        assert refused["id"] == "1"
        errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "INVALID_INPUT"
        assert errors[0]["extensions"]["field"] == ["id"]


async def test_a_new_subscription_after_the_role_was_withdrawn_closes_the_socket(
    api, world: School, live_url
):
    colleague = await create_user(Role.SCHOOL, world.school)
    async with LiveClient.signed_in(live_url, await api.token_for(colleague, Role.SCHOOL)) as live:
        await RoleAssignment.filter(person_id=colleague.id).delete()
        await live.subscribe("1", NOTIFICATION_RECEIVED)
        code, reason = await live.closed()
    assert code == 4401
    assert reason.startswith("UNAUTHENTICATED")


async def test_an_appeal_decisions_signing_session_is_followed_by_its_signer_only(
    api, held: HeldExam, test_pki, live_url
):
    await complete_exam(api, held)
    appeal_id = await decided_unsigned(api, held, api.app.state.signing)
    credentials = keys(test_pki, held.chair)
    started = await start(
        api,
        appeal_id,
        held.chair,
        certificate=base64.b64encode(pem_to_der(credentials.certificate_pem)).decode(),
    )
    assert started["userErrors"] == []
    chair_token = await api.token_for(held.chair, Role.COMMISSION_CHAIR)
    body_token = await api.token_for(held.body_user, Role.AWARDING_BODY)
    async with (
        LiveClient.signed_in(live_url, chair_token) as mine,
        LiveClient.signed_in(live_url, body_token) as body,
    ):
        for client in (mine, body):
            await client.subscribe("s", SESSION_CHANGED, {"id": started["sessionId"]})
        # only the signer follows a decision's session (no protocol to be visible through)
        refused = await body.next("s")
        assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        await watching(1)
        signature = device_sign(
            credentials, base64.b64decode(started["hash"]), started["hashFunction"], "ecdsa-raw"
        )
        assert (await complete(api, started["sessionId"], signature, held.chair))[
            "userErrors"
        ] == []
        assert (await mine.next("s"))["data"]["signingSessionChanged"] == {
            "sessionId": started["sessionId"],
            "status": "SIGNED",
            "code": None,
            "verificationCode": None,
        }
