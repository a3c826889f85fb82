"""Drawing up protocols: an assessment protocol per group, the commission protocol per exam.

A protocol is rendered when it is created and stored with the people designated to sign it.
An unsigned protocol may be drawn up again (results or decisions changed); once anyone has
signed, its document is never rendered again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from models.access import Viewer
from models.clock import today
from models.counters import next_protocol_number
from models.enums import ParticipantResult, ProtocolKind, ProtocolStatus, Role
from models.events import transaction
from models.exam import Exam
from models.group import ExamGroup
from models.organisation import Organisation
from models.participant import Participant
from models.person import RoleAssignment
from models.protocol import Protocol, ProtocolDocument, ProtocolSigner, Signature
from models.standard import PartialQualification, Specialisation
from models.workflow.common import audit, exam_for_update, group_for_update
from models.workflow.errors import DomainError, fail, problem
from models.workflow.policy import check
from models.workflow.protocol_documents import (
    COMMISSION_CHAIR_LABEL,
    COMMITTEE_ROLE_LABELS,
    assessment_data,
    commission_data,
    committee_of,
)
from signing.documents import (
    RenderedDocument,
    render_assessment_protocol,
    render_commission_protocol,
)

AWARDABLE = (ParticipantResult.PASSED, ParticipantResult.PARTIALLY_PASSED)


@dataclass(frozen=True)
class Decision:
    """The commission's decision on one participant (defaults follow the result)."""

    participant_id: int
    awarded: bool
    partial_qualification_id: int | None = None
    specialisation_id: int | None = None


async def current_commission_protocol(
    exam_id: int, connection: BaseDBAsyncClient
) -> Protocol | None:
    """The exam's signed commission protocol in force (not superseded)."""
    return (
        await Protocol.filter(
            exam_id=exam_id,
            kind=ProtocolKind.COMMISSION,
            status=ProtocolStatus.SIGNED,
            superseded_at__isnull=True,
        )
        .using_db(connection)
        .order_by("-id")
        .first()
    )


async def _replaceable(
    connection: BaseDBAsyncClient, **where: object
) -> tuple[Protocol | None, str | None]:
    """An existing protocol that may be drawn up again (deleted here), and its number."""
    existing = await Protocol.filter(**where).using_db(connection).select_for_update().first()
    if existing is None:
        return None, None
    if await Signature.filter(protocol_id=existing.id).using_db(connection).exists():
        raise fail("PROTOCOL_SIGNED", ["protocol"])
    number = existing.number
    await existing.delete(using_db=connection)
    return existing, number


async def store_rendered(
    connection: BaseDBAsyncClient,
    protocol: Protocol,
    rendered: RenderedDocument,
    signers: Sequence[tuple[int, str]],
) -> None:
    """Keep a freshly rendered protocol and its designated signers, one per field."""
    if len(rendered.fields) != len(signers):
        raise RuntimeError("the document has a signature field per designated signer")
    await ProtocolDocument.create(using_db=connection, protocol=protocol, content=rendered.pdf)
    for position, ((person_id, label), placement) in enumerate(
        zip(signers, rendered.fields, strict=True), start=1
    ):
        await ProtocolSigner.create(
            using_db=connection,
            protocol=protocol,
            person_id=person_id,
            position=position,
            role_label=label,
            field_name=placement.name,
            field_page=placement.page,
            field_box=list(placement.box),
        )
    protocol.document_sha256 = rendered.sha256
    await protocol.save(using_db=connection, update_fields=["document_sha256"])


async def create_assessment_protocol(viewer: Viewer, group_id: int) -> Protocol:
    """The awarding body draws up a held group's assessment protocol once every participant
    has a result; the group's committee signs it."""
    existing_group = await ExamGroup.get_or_none(id=group_id)
    if existing_group is None or existing_group.exam_id is None:
        raise fail("NOT_FOUND", ["group"])
    async with transaction() as connection:
        exam = await exam_for_update(viewer, existing_group.exam_id, connection)
        check("protocol.create_assessment", viewer, exam)
        group = await group_for_update(exam, group_id, connection)
        if group.date is None or group.date > today():
            raise fail("INVALID_STATE", ["group"], status="not held yet / toimumata")
        missing = (
            await Participant.filter(group_id=group.id, result__isnull=True)
            .using_db(connection)
            .count()
        )
        if missing:
            raise fail("RESULTS_MISSING", ["group"], count=missing)
        committee = await committee_of(group.id, connection)
        if not committee:
            raise fail("COMMITTEE_INCOMPLETE", ["group"], others=0)
        before, _ = await _replaceable(connection, group_id=group.id)
        protocol = await Protocol.create(
            using_db=connection,
            exam_id=exam.id,
            group_id=group.id,
            kind=ProtocolKind.ASSESSMENT,
            date=today(),
        )
        rendered = render_assessment_protocol(await assessment_data(protocol, connection))
        signers = [(person.id, COMMITTEE_ROLE_LABELS[role]) for person, role in committee]
        await store_rendered(connection, protocol, rendered, signers)
        await audit(
            connection,
            viewer,
            action="protocol.create",
            exam_id=exam.id,
            entity="protocol",
            entity_id=protocol.id,
            before={"replaced": before.id} if before else None,
            after={"kind": protocol.kind, "group": group.id, "sha256": rendered.sha256},
        )
    return protocol


async def _check_decisions(
    exam: Exam, decisions: Sequence[Decision], connection: BaseDBAsyncClient
) -> dict[int, Decision]:
    participants = {p.id: p for p in await Participant.filter(exam_id=exam.id).using_db(connection)}
    partials = set(
        await PartialQualification.filter(standard_id=exam.standard_id)
        .using_db(connection)
        .values_list("id", flat=True)
    )
    specialisations = set(
        await Specialisation.filter(standard_id=exam.standard_id)
        .using_db(connection)
        .values_list("id", flat=True)
    )
    problems = []
    for i, d in enumerate(decisions):
        at = ["decisions", str(i)]
        participant = participants.get(d.participant_id)
        if participant is None:
            problems.append(problem("NOT_FOUND", [*at, "participant"]))
            continue
        if d.awarded and participant.result not in AWARDABLE:
            detail = "ei sooritanud eksamit / did not pass the exam"
            problems.append(problem("INVALID_INPUT", [*at, "awarded"], detail=detail))
        if d.partial_qualification_id is not None and (
            d.partial_qualification_id not in partials or not d.awarded
        ):
            detail = "osakutse pole selle standardi oma / not a partial qualification of it"
            problems.append(problem("INVALID_INPUT", [*at, "partialQualification"], detail=detail))
        if d.specialisation_id is not None and d.specialisation_id not in specialisations:
            detail = "spetsialiseerumine pole selle standardi oma / not a specialisation of it"
            problems.append(problem("INVALID_INPUT", [*at, "specialisation"], detail=detail))
        if (
            d.awarded
            and participant.result is ParticipantResult.PARTIALLY_PASSED
            and d.partial_qualification_id is None
        ):
            detail = "osaliselt sooritanule vaid osakutse / a partial pass gives a partial one"
            problems.append(problem("INVALID_INPUT", [*at, "partialQualification"], detail=detail))
    if problems:
        raise DomainError(problems)
    chosen = {d.participant_id: d for d in decisions}
    # Without a decision: a pass gives the full qualification, anything else nothing.
    for pid, participant in participants.items():
        if pid not in chosen:
            chosen[pid] = Decision(pid, awarded=participant.result is ParticipantResult.PASSED)
    return chosen


async def create_commission_protocol(
    viewer: Viewer, exam_id: int, chair_id: int, decisions: Sequence[Decision] = ()
) -> Protocol:
    """The awarding body draws up the commission protocol of an assessed exam: the decision
    on every participant, numbered KP-<registry code>-<year>-<n>, signed by the chair."""
    async with transaction() as connection:
        exam = await exam_for_update(viewer, exam_id, connection)
        check("protocol.create_commission", viewer, exam)
        if (
            not await RoleAssignment.filter(
                person_id=chair_id,
                role=Role.COMMISSION_CHAIR,
                organisation_id=exam.awarding_body_id,
            )
            .using_db(connection)
            .exists()
        ):
            detail = "pole selle kutse andja kutsekomisjoni esimees / not a chair of this body"
            raise fail("INVALID_INPUT", ["chair"], detail=detail)
        chosen = await _check_decisions(exam, decisions, connection)
        before, number = await _replaceable(
            connection, exam_id=exam.id, kind=ProtocolKind.COMMISSION
        )
        day = today()
        if number is None:
            body = await Organisation.get(id=exam.awarding_body_id, using_db=connection)
            n = await next_protocol_number(connection, exam.awarding_body_id, day.year)
            number = f"KP-{body.code}-{day.year}-{n}"
        for d in chosen.values():
            await (
                Participant.filter(id=d.participant_id)
                .using_db(connection)
                .update(
                    awarded=d.awarded,
                    partial_qualification_id=d.partial_qualification_id,
                    specialisation_id=d.specialisation_id,
                )
            )
        protocol = await Protocol.create(
            using_db=connection,
            exam_id=exam.id,
            kind=ProtocolKind.COMMISSION,
            number=number,
            date=day,
            chair_id=chair_id,
        )
        rendered = render_commission_protocol(await commission_data(protocol, connection))
        await store_rendered(connection, protocol, rendered, [(chair_id, COMMISSION_CHAIR_LABEL)])
        await audit(
            connection,
            viewer,
            action="protocol.create",
            exam_id=exam.id,
            entity="protocol",
            entity_id=protocol.id,
            before={"replaced": before.id} if before else None,
            after={
                "kind": protocol.kind,
                "number": number,
                "awarded": sorted(pid for pid, d in chosen.items() if d.awarded),
                "sha256": rendered.sha256,
            },
        )
    return protocol
