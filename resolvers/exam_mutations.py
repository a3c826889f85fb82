"""Exam mutations: thin calls into models.workflow."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from models.workflow import exam as workflow
from resolvers.ids import pk_of
from resolvers.mutations import attempt, fresh_loaders, user_errors
from schema.exam import ExamCreateInput, ExamDeletePayload, ExamPayload, ExamUpdateInput
from schema.info import Info
from schema.limits import TEXT, at_most

ExamId = Annotated[strawberry.ID, strawberry.argument(description="The exam.")]
Version = Annotated[int, strawberry.argument(description="The version you read.")]
Reason = Annotated[
    str, strawberry.argument(description="Why, shown to the other party.", metadata=at_most(TEXT))
]


async def _payload(
    info: Info, exam: Any, errors: list, warnings: list | None = None
) -> ExamPayload:
    loaded = await fresh_loaders(info).exam.by_id.load(exam.id) if exam is not None else None
    return ExamPayload(exam=loaded, user_errors=errors, warnings=warnings or [])


@strawberry.type
class ExamMutation:
    @strawberry.mutation(description="The school creates a draft exam for its curriculum.")
    async def exam_create(
        self,
        info: Info,
        input: Annotated[ExamCreateInput, strawberry.argument(description="The exam.")],
    ) -> ExamPayload:
        draft = workflow.ExamDraft(
            curriculum_id=pk_of(input.curriculum, "Curriculum", argument="curriculum"),
            standard_id=pk_of(input.standard, "Standard", argument="standard"),
            awarding_body_id=pk_of(input.awarding_body, "AwardingBody", argument="awardingBody"),
            graduation_date=input.graduation_date,
            final_course=input.final_course,
            responsible_id=pk_of(input.responsible, "Person", argument="responsible"),
            language=input.language,
            comment=input.comment,
            exam_type=input.exam_type,
        )
        exam, errors = await attempt(workflow.create_exam(info.context.viewer, draft))
        return await _payload(info, exam, errors)

    @strawberry.mutation(description="The school changes a draft or returned exam.")
    async def exam_update(
        self,
        info: Info,
        id: ExamId,
        version: Version,
        input: Annotated[ExamUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ExamPayload:
        changes: dict[str, Any] = {
            key: value
            for key, value in {
                "graduation_date": input.graduation_date,
                "final_course": input.final_course,
                "language": input.language,
                "comment": input.comment,
                "exam_type": input.exam_type,
            }.items()
            if value is not None
        }
        if input.responsible is not None:
            changes["responsible_id"] = pk_of(input.responsible, "Person", argument="responsible")
        exam, errors = await attempt(
            workflow.update_exam(info.context.viewer, pk_of(id, "Exam"), version, changes)
        )
        return await _payload(info, exam, errors)

    @strawberry.mutation(description="The school deletes a draft exam.")
    async def exam_delete(self, info: Info, id: ExamId, version: Version) -> ExamDeletePayload:
        _, errors = await attempt(
            workflow.delete_exam(info.context.viewer, pk_of(id, "Exam"), version)
        )
        return ExamDeletePayload(deleted_exam_id=None if errors else id, user_errors=errors)

    @strawberry.mutation(description="The school sends the exam to the awarding body.")
    async def exam_submit(self, info: Info, id: ExamId, version: Version) -> ExamPayload:
        result, errors = await attempt(
            workflow.submit_exam(info.context.viewer, pk_of(id, "Exam"), version)
        )
        exam, warnings = result if result is not None else (None, [])
        return await _payload(info, exam, errors, user_errors(warnings))

    @strawberry.mutation(description="The awarding body returns the exam to the school.")
    async def exam_return(
        self, info: Info, id: ExamId, version: Version, reason: Reason
    ) -> ExamPayload:
        exam, errors = await attempt(
            workflow.return_exam(info.context.viewer, pk_of(id, "Exam"), version, reason)
        )
        return await _payload(info, exam, errors)

    @strawberry.mutation(description="The awarding body accepts the exam.")
    async def exam_accept(self, info: Info, id: ExamId, version: Version) -> ExamPayload:
        result, errors = await attempt(
            workflow.accept_exam(info.context.viewer, pk_of(id, "Exam"), version)
        )
        exam, warnings = result if result is not None else (None, [])
        return await _payload(info, exam, errors, user_errors(warnings))

    @strawberry.mutation(description="Cancel an exam that has not been assessed.")
    async def exam_cancel(
        self, info: Info, id: ExamId, version: Version, reason: Reason
    ) -> ExamPayload:
        exam, errors = await attempt(
            workflow.cancel_exam(info.context.viewer, pk_of(id, "Exam"), version, reason)
        )
        return await _payload(info, exam, errors)
