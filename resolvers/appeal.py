"""Appeals and the examinee's own view: thin reads over row scopes, mutations into
models.workflow.appeal."""

from __future__ import annotations

from datetime import MAXYEAR, MINYEAR, time
from typing import Annotated, Any, cast

import strawberry
from graphql import GraphQLError
from starlette.datastructures import UploadFile
from tortoise.expressions import Q

from models.access import (
    Viewer,
    appeal_scope,
    own_participations,
)
from models.appeal import Appeal as AppealRow
from models.appeal_statistics import appeal_figures
from models.clock import today
from models.enums import AppealStatus, AppealSubject, SignatureMethod
from models.enums import ParticipantResult as ResultRow
from models.organisation import Organisation
from models.participant import Participant as ParticipantRow
from models.workflow import appeal as workflow
from models.workflow.appeal_announcements import announcements, period_of
from models.workflow.appeal_correction import correct_after_appeal
from models.workflow.decision_signing import (
    complete_decision_signing,
    start_decision_phone_signing,
    start_decision_signing,
)
from models.workflow.errors import Problem, fail, problem
from models.workflow.signing import StartedSigning
from resolvers.ids import pk_of
from resolvers.loaders import Loaders
from resolvers.loaders.appeal import APPEAL_COLUMNS, OPEN_STATES, build_appeal, with_documents
from resolvers.mutations import attempt, fresh_loaders, user_errors
from resolvers.pagination import empty_connection, keyset_page
from resolvers.protocol import (
    CERTIFICATE_CHARACTERS,
    PHONE_CHARACTERS,
    SIGNATURE_CHARACTERS,
    SessionId,
    _decode,
    _setup,
    _timed,
    start_payload,
)
from resolvers.report_scope import scope_or_forbidden
from schema.appeal import (
    Appeal,
    AppealFileInput,
    AppealFilter,
    AppealPayload,
    AppealStatistics,
)
from schema.connection import Connection
from schema.enums import ParticipantResult
from schema.info import Info
from schema.limits import TEXT, at_most
from schema.node import to_global_id
from schema.participation import MyParticipation, PartPoints
from schema.protocol_signing import (
    ProtocolPayload,
    ProtocolSigningStartPayload,
    RsaSignatureScheme,
    SigningDevice,
)


def _filtered(scope: Q, f: AppealFilter | None) -> Q:
    if f is None:
        return scope
    if f.status:
        scope &= Q(status__in=[AppealStatus(s) for s in f.status])
    if f.overdue is True:
        scope &= Q(status__in=OPEN_STATES, decision_due__lt=today())
    elif f.overdue is False:
        scope &= ~Q(status__in=OPEN_STATES, decision_due__lt=today())
    return scope


_PARTICIPATION_COLUMNS = {
    "id": "id",
    "exam_id": "exam_id",
    "group_id": "group_id",
    "language": "language",
    "result": "result",
    "score": "score",
    "scores": "scores",
    "awarded": "awarded",
    "partial_qualification": "partial_qualification__name",
    "specialisation": "specialisation__name",
    "standard_name": "exam__standard__name",
    "curriculum_name": "exam__curriculum__name",
    "school_name": "exam__school__name",
    "awarding_body_name": "exam__awarding_body__name",
    "awarding_body_id": "exam__awarding_body_id",
    "group_name": "group__name",
    "date": "group__date",
    "time": "group__time",
    "place": "group__place",
    "room": "group__room",
}


async def my_participations(viewer: Viewer, loaders: Loaders) -> list[MyParticipation]:
    """The signed-in person's own participations, newest first, in six queries."""
    scope = own_participations(viewer)
    if scope is None:
        return []
    rows = (
        await ParticipantRow.filter(scope)
        .order_by("-exam__graduation_date", "-id")
        .values(**_PARTICIPATION_COLUMNS)
    )
    announced = await announcements([r["exam_id"] for r in rows])
    bodies = {
        body.id: period_of(body)
        for body in await Organisation.filter(id__in={r["awarding_body_id"] for r in rows})
    }
    appeals = await loaders.appeal.by_participant.load_many([r["id"] for r in rows])
    answer = []
    for i, row in enumerate(rows):
        period = bodies[row["awarding_body_id"]]
        result_on = announced.of(AppealSubject.RESULT, row["exam_id"], row["group_id"])
        decision_on = announced.of(AppealSubject.DECISION, row["exam_id"], row["group_id"])
        scores = row["scores"] if result_on is not None else None
        start = row["time"]
        answer.append(
            MyParticipation(
                id=strawberry.ID(to_global_id("Participant", row["id"])),
                standard_name=row["standard_name"],
                curriculum_name=row["curriculum_name"],
                school_name=row["school_name"],
                awarding_body_name=row["awarding_body_name"],
                group_name=row["group_name"],
                date=row["date"],
                time=time.fromisoformat(start) if isinstance(start, str) else start,
                place=row["place"],
                room=row["room"],
                language=row["language"],
                result_announced=result_on is not None,
                result=row["result"] if result_on is not None else None,
                score=row["score"] if result_on is not None else None,
                points=[PartPoints(part=k, points=v) for k, v in scores.items()]
                if isinstance(scores, dict)
                else None,
                decision_announced=decision_on is not None,
                awarded=row["awarded"] if decision_on is not None else None,
                partial_qualification=row["partial_qualification"] if decision_on else None,
                specialisation=row["specialisation"] if decision_on else None,
                commission_protocol_number=announced.protocol_number.get(row["exam_id"])
                if decision_on
                else None,
                result_appeal_deadline=period.filing_deadline(result_on) if result_on else None,
                decision_appeal_deadline=period.filing_deadline(decision_on)
                if decision_on
                else None,
                appeals=appeals[i],
            )
        )
    return answer


@strawberry.type
class AppealQuery:
    @strawberry.field(
        description="The signed-in person's own exams (their personal view, no role needed): "
        "time and place, the result once announced, the decision, appeals. Empty when public."
    )
    async def my_participations(self, info: Info) -> list[MyParticipation]:
        return await my_participations(info.context.viewer, info.context.loaders)

    @strawberry.field(
        description="Appeals the viewer sees, newest first: the examinee their own, the school "
        "its exams', the awarding body and its chairs those they decide, the registry all."
    )
    async def appeals(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: AppealFilter | None = None,
    ) -> Connection[Appeal]:
        viewer = info.context.viewer
        scope = appeal_scope(viewer)
        if scope is None:
            return empty_connection()
        page = await keyset_page(
            AppealRow.filter(_filtered(scope, filter)),
            order=["-id"],
            columns=APPEAL_COLUMNS,
            first=first,
            after=after,
            build=lambda row: build_appeal(viewer, row),
        )
        await with_documents([edge.node for edge in page.edges])
        return page

    @strawberry.field(
        description="Appeal statistics per awarding body, standard and year: the registry all, "
        "an awarding body its own, a school its exams'. FORBIDDEN for other roles."
    )
    async def appeal_statistics(
        self,
        info: Info,
        year: Annotated[
            int | None, strawberry.argument(description="Only appeals received that year.")
        ] = None,
    ) -> list[AppealStatistics]:
        if year is not None and not MINYEAR <= year <= MAXYEAR:
            raise GraphQLError(
                f"`year` must be between {MINYEAR} and {MAXYEAR}",
                extensions={"code": "BAD_USER_INPUT", "field": ["year"]},
            )
        scope = scope_or_forbidden(info.context.viewer)
        return [
            AppealStatistics(**vars(figures)) for figures in await appeal_figures(scope, year=year)
        ]

    @strawberry.field(description="One appeal; null when not visible to you.")
    async def appeal(self, info: Info, id: strawberry.ID) -> Appeal | None:
        return await info.context.loaders.appeal.by_id.load(pk_of(id, "Appeal"))


AppealId = Annotated[strawberry.ID, strawberry.argument(description="The appeal.")]
Version = Annotated[int | None, strawberry.argument(description="The version you read (optional).")]


async def _payload(info: Info, row: Any, errors: list) -> AppealPayload:
    appeal = await fresh_loaders(info).appeal.by_id.load(row.id) if row is not None else None
    return AppealPayload(appeal=appeal, user_errors=errors)


async def _attachments(
    input: AppealFileInput, max_bytes: int
) -> tuple[list[workflow.Attachment], list[Problem]]:
    """The uploaded files, each read up to one byte over the limit (so the workflow's size
    check sees a file too large without it being read whole)."""
    read: list[workflow.Attachment] = []
    problems: list[Problem] = []
    for i, attachment in enumerate(input.attachments):
        upload = cast(UploadFile, attachment.file)
        if not isinstance(upload, UploadFile):
            at = ["input", "attachments", str(i), "file"]
            problems.append(problem("INVALID_INPUT", at, detail="pole fail / not a file"))
            continue
        try:
            content = await upload.read(max_bytes + 1)
        finally:
            await upload.close()
        name = getattr(upload, "filename", None) or f"manus-{i + 1}.pdf"
        read.append(workflow.Attachment(str(name)[:255], content))
    return read, problems


@strawberry.type
class AppealMutation:
    @strawberry.mutation(
        description="File an appeal: the examinee in their own view, the school for its "
        "student, or the awarding body registering a paper application (with `receivedOn`)."
    )
    async def appeal_file(
        self,
        info: Info,
        input: Annotated[AppealFileInput, strawberry.argument(description="The appeal.")],
    ) -> AppealPayload:
        limit = info.context.settings.appeal_attachment_max_bytes
        attachments, problems = await _attachments(input, limit)
        if problems:
            return AppealPayload(appeal=None, user_errors=user_errors(problems))
        filing = workflow.AppealFiling(
            participant_id=pk_of(input.participant, "Participant", argument="participant"),
            subject=AppealSubject(input.subject),
            reason=input.reason,
            attachments=attachments,
            received_on=input.received_on,
        )
        appeal, errors = await attempt(
            workflow.file_appeal(
                info.context.viewer,
                filing,
                max_attachment_bytes=info.context.settings.appeal_attachment_max_bytes,
            )
        )
        return await _payload(info, appeal, errors)

    @strawberry.mutation(
        description="The awarding body takes a filed appeal up for its qualification commission."
    )
    async def appeal_review_start(
        self, info: Info, id: AppealId, version: Version = None
    ) -> AppealPayload:
        appeal, errors = await attempt(
            workflow.start_review(info.context.viewer, pk_of(id, "Appeal"), version)
        )
        return await _payload(info, appeal, errors)

    @strawberry.mutation(
        description="The qualification commission's chair decides an appeal under review."
    )
    async def appeal_decide(
        self,
        info: Info,
        id: AppealId,
        upheld: Annotated[bool, strawberry.argument(description="Upheld (true) or rejected.")],
        reason: Annotated[
            str,
            strawberry.argument(description="The commission's reasons.", metadata=at_most(TEXT)),
        ],
        version: Version = None,
    ) -> AppealPayload:
        appeal, errors = await attempt(
            workflow.decide_appeal(
                info.context.viewer,
                pk_of(id, "Appeal"),
                upheld=upheld,
                reason=reason,
                version=version,
                signing=info.context.signing,
            )
        )
        return await _payload(info, appeal, errors)

    @strawberry.mutation(
        description="The examinee (or the school for them) withdraws an undecided appeal."
    )
    async def appeal_withdraw(
        self, info: Info, id: AppealId, version: Version = None
    ) -> AppealPayload:
        appeal, errors = await attempt(
            workflow.withdraw_appeal(info.context.viewer, pk_of(id, "Appeal"), version)
        )
        return await _payload(info, appeal, errors)

    @strawberry.mutation(
        description="After an upheld appeal the awarding body re-records the participant's "
        "result (an appeal against the result) or the decision (against the decision), which "
        "draws up a corrected commission protocol referring to the original, for the chair "
        "to sign as any commission protocol (`protocolSign` or the device flow). Signing it "
        "supersedes the original, annuls and/or issues the certificate and seals the school's "
        "extract again. Only once per upheld appeal (INVALID_STATE otherwise)."
    )
    async def appeal_correct(
        self,
        info: Info,
        id: AppealId,
        awarded: Annotated[
            bool, strawberry.argument(description="Whether the qualification is awarded.")
        ],
        result: Annotated[
            ParticipantResult | None,
            strawberry.argument(
                description="The re-recorded result: required for an appeal against the "
                "result, left out for one against the decision."
            ),
        ] = None,
        partial_qualification: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="For a partial qualification: which one."),
        ] = None,
        specialisation: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The specialisation awarded, if any."),
        ] = None,
    ) -> ProtocolPayload:
        async def correct() -> Any:
            return await correct_after_appeal(
                info.context.viewer,
                pk_of(id, "Appeal"),
                awarded=awarded,
                result=ResultRow(result.value) if result is not None else None,
                partial_qualification_id=pk_of(
                    partial_qualification, "PartialQualification", argument="partialQualification"
                ),
                specialisation_id=pk_of(
                    specialisation, "Specialisation", argument="specialisation"
                ),
            )

        protocol, errors = await attempt(correct())
        loaded = await fresh_loaders(info).protocol.by_id.load(protocol.id) if protocol else None
        return ProtocolPayload(protocol=loaded, user_errors=errors)

    @strawberry.mutation(
        description="Step one of the chair signing an appeal decision's PDF on their own "
        "device, where the server holds no key for them (production): only the commission "
        "chair who decided the appeal, once, while it is unsigned. Works as "
        "protocolSigningStart: ID_CARD checks the certificate and returns the hash the card "
        "signs (finish with appealDecisionSigningComplete); SMART_ID and MOBILE_ID ask SK for "
        "the certificate, send the hash to the phone and return the verification code at "
        "once, and the session ends SIGNED or FAILED in the background (query "
        "`signingSession`, subscription `signingSessionChanged`, cancel with "
        "protocolSigningCancel)."
    )
    async def appeal_decision_signing_start(
        self,
        info: Info,
        appeal: AppealId,
        method: Annotated[
            SigningDevice, strawberry.argument(description="ID_CARD, SMART_ID or MOBILE_ID.")
        ],
        certificate: Annotated[
            str | None,
            strawberry.argument(
                description="ID_CARD: the signing certificate, base64 DER or PEM.",
                metadata=at_most(CERTIFICATE_CHARACTERS),
            ),
        ] = None,
        rsa_scheme: Annotated[
            RsaSignatureScheme | None,
            strawberry.argument(description="ID_CARD with an RSA key: PKCS#1 v1.5 or PSS."),
        ] = None,
        phone_number: Annotated[
            str | None,
            strawberry.argument(
                description="MOBILE_ID: the signer's phone number, +372…",
                metadata=at_most(PHONE_CHARACTERS),
            ),
        ] = None,
    ) -> ProtocolSigningStartPayload:
        chosen = SignatureMethod(method.value)
        appeal_pk = pk_of(appeal, "Appeal", argument="appeal")

        async def start() -> StartedSigning:
            if chosen is not SignatureMethod.ID_CARD:
                return await start_decision_phone_signing(
                    info.context.viewer, appeal_pk, chosen, _setup(info), phone_number
                )
            if certificate is None:
                raise fail(
                    "INVALID_INPUT", ["certificate"], detail="sertifikaat puudub / no certificate"
                )
            return await start_decision_signing(
                info.context.viewer,
                appeal_pk,
                _decode(certificate, "certificate"),
                _setup(info),
                signature_scheme=rsa_scheme.value if rsa_scheme else None,
            )

        return await start_payload(*await attempt(_timed("device_start", start())))

    @strawberry.mutation(
        description="Step two of signing an appeal decision with an ID-card: the card's "
        "signature of the hash is verified and embedded, the document gets its validation "
        "data and archive timestamp (PAdES B-LTA) and is kept; the appeal then reads "
        "`decisionSigned`. A wrong signature changes nothing (SIGNATURE_INVALID)."
    )
    async def appeal_decision_signing_complete(
        self,
        info: Info,
        session_id: SessionId,
        signature: Annotated[
            str,
            strawberry.argument(
                description="The signature, base64 (ECDSA raw r||s or DER).",
                metadata=at_most(SIGNATURE_CHARACTERS),
            ),
        ],
    ) -> AppealPayload:
        async def complete() -> Any:
            return await complete_decision_signing(
                info.context.viewer, session_id, _decode(signature, "signature"), _setup(info)
            )

        appeal, errors = await attempt(_timed("device_complete", complete()))
        return await _payload(info, appeal, errors)
