"""Live updates: four subscriptions over graphql-transport-ws (app/live.py).

Each checks the viewer at subscribe time and again for every event before it goes out: the
role is looked up again (withdrawn: the socket closes) and the object must still be in the
viewer's scope (no longer: the subscription ends with NOT_FOUND). Events come from
`models.watch`, fed by `models.events.dispatch`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from graphql import GraphQLError

from models.access import Viewer, exam_scope, visible_protocols
from models.clock import now
from models.enums import ExamStatus, ProtocolStatus, Role, SigningSessionStatus
from models.events import Event, Topic
from models.exam import Exam
from models.notification import Notification as NotificationRow
from models.protocol import Protocol, SigningSession
from models.watch import watch
from models.workflow.errors import MESSAGES
from resolvers.ids import pk_of
from resolvers.notification import build_notification
from schema.info import Info
from schema.node import to_global_id
from schema.notification import Notification
from schema.subscription import ExamChange, ProtocolChange, SigningSessionChange

if TYPE_CHECKING:
    from app.live import LiveConnection

# The kind of the first message of examChanged and protocolChanged: the state when the
# subscription started listening (so a client knows it is live and what it missed).
CURRENT = "current"


def _not_found() -> GraphQLError:
    return GraphQLError(MESSAGES["NOT_FOUND"], extensions={"code": "NOT_FOUND"})


def _live(info: Info) -> LiveConnection:
    live = info.context.live
    if live is None:
        raise GraphQLError(
            "Subscriptions need a graphql-transport-ws socket.",
            extensions={"code": "BAD_USER_INPUT"},
        )
    return live


async def _exam_state(viewer: Viewer, exam_id: int) -> dict[str, Any] | None:
    scope = exam_scope(viewer)
    if scope is None:
        return None
    rows = await Exam.filter(scope, id=exam_id).values("status", "version")
    return rows[0] if rows else None


async def _protocol_visible(viewer: Viewer, protocol_id: int) -> bool:
    scope = visible_protocols(viewer)
    return scope is not None and await Protocol.filter(scope, id=protocol_id).exists()


async def _session_visible(viewer: Viewer, session: SigningSession) -> bool:
    """The signer sees their session; a protocol's also those who may see the protocol (an
    appeal decision's only its signer)."""
    if session.signer_id == viewer.person_id:
        return True
    return session.protocol_id is not None and await _protocol_visible(viewer, session.protocol_id)


def _actor(event: Event) -> tuple[strawberry.ID | None, Role | None]:
    actor_id = to_global_id("Person", event.actor_id) if event.actor_id is not None else None
    return actor_id, Role(event.actor_role) if event.actor_role else None


@strawberry.type
class LiveSubscription:
    @strawberry.subscription(
        description="Changes to one exam, after each commits: status, version, who, what. "
        "Needs a signed-in socket; an exam you may not see is NOT_FOUND."
    )
    async def exam_changed(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="Exam.")]
    ) -> AsyncGenerator[ExamChange, None]:
        live = _live(info)
        exam_id = pk_of(id, "Exam")
        viewer = await live.require_signed_in()
        # Listening starts before the state is read, so no change falls between the two.
        async with watch(Topic.EXAM, exam_id) as events:
            state = await _exam_state(viewer, exam_id)
            if state is None:
                raise _not_found()
            yield ExamChange(
                exam_id=id,
                kind=CURRENT,
                status=ExamStatus(state["status"]),
                version=state["version"],
                actor_id=None,
                actor_role=None,
                at=now(),
            )
            while True:
                event = await events.get()
                state = await _exam_state(await live.current_viewer(), exam_id)
                if state is None:
                    raise _not_found()
                actor_id, actor_role = _actor(event)
                yield ExamChange(
                    exam_id=id,
                    kind=event.kind,
                    status=ExamStatus(state["status"]),
                    version=state["version"],
                    actor_id=actor_id,
                    actor_role=actor_role,
                    at=event.at,
                )

    @strawberry.subscription(
        description="Changes to one protocol, after each commits: created, a signature "
        "added, certificates issued; its status and version. A protocol you may not see is "
        "NOT_FOUND."
    )
    async def protocol_changed(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Protocol.")],
    ) -> AsyncGenerator[ProtocolChange, None]:
        live = _live(info)
        protocol_id = pk_of(id, "Protocol")
        viewer = await live.require_signed_in()
        async with watch(Topic.PROTOCOL, protocol_id) as events:
            scope = visible_protocols(viewer)
            rows = (
                await Protocol.filter(scope, id=protocol_id).values("exam_id", "status", "version")
                if scope is not None
                else []
            )
            if not rows:
                raise _not_found()
            yield ProtocolChange(
                protocol_id=id,
                exam_id=to_global_id("Exam", rows[0]["exam_id"]),
                kind=CURRENT,
                status=ProtocolStatus(rows[0]["status"]),
                version=rows[0]["version"],
                actor_id=None,
                actor_role=None,
                at=now(),
            )
            while True:
                event = await events.get()
                if not await _protocol_visible(await live.current_viewer(), protocol_id):
                    raise _not_found()
                actor_id, actor_role = _actor(event)
                status = event.data.get("status")
                yield ProtocolChange(
                    protocol_id=id,
                    exam_id=to_global_id("Exam", event.exam_id or 0),
                    kind=event.kind,
                    status=ProtocolStatus(status) if status else None,
                    version=event.version,
                    actor_id=actor_id,
                    actor_role=actor_role,
                    at=event.at,
                )

    @strawberry.subscription(
        description="The signed-in person's new notifications, as they are created."
    )
    async def notification_received(self, info: Info) -> AsyncGenerator[Notification, None]:
        live = _live(info)
        person_id = (await live.require_signed_in()).person_id
        assert person_id is not None
        async with watch(Topic.NOTIFICATION, person_id) as events:
            while True:
                event = await events.get()
                await live.current_viewer()
                rows = await NotificationRow.filter(
                    id=event.data.get("notification"), recipient_id=person_id
                ).values("id", "kind", "subject", "body", "link", "created_at", "read_at")
                if rows:
                    yield build_notification(rows[0])

    @strawberry.subscription(
        description="Where a signing session with the signer's own device is (Smart-ID, "
        "Mobile-ID): for the signer and for those who may see the protocol. An unknown "
        "session is NOT_FOUND."
    )
    async def signing_session_changed(
        self,
        info: Info,
        id: Annotated[str, strawberry.argument(description="The session ID its start returned.")],
    ) -> AsyncGenerator[SigningSessionChange, None]:
        live = _live(info)
        viewer = await live.require_signed_in()
        session = await SigningSession.get_or_none(session_key=id)
        if session is None or not await _session_visible(viewer, session):
            raise _not_found()
        async with watch(Topic.SIGNING_SESSION, session.id) as events:
            while True:
                event = await events.get()
                viewer = await live.current_viewer()
                if not await _session_visible(viewer, session):
                    raise _not_found()
                is_signer = viewer.person_id == session.signer_id
                yield SigningSessionChange(
                    session_id=id,
                    status=SigningSessionStatus(event.data["status"]),
                    code=event.data.get("code"),
                    verification_code=event.data.get("verificationCode") if is_signer else None,
                    at=event.at,
                )
