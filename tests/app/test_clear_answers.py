"""Clear answers (issue 11, item 12): UNAUTHENTICATED where a sign-in is missing, roleSelect
and NOT_ELIGIBLE saying what is wrong, and no message with a doubled full stop."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest

from app.graphql import build_schema
from app.settings import Settings
from models.clock import today
from models.enums import ExamStatus, Role
from models.exam import Exam
from models.participant import Participant
from models.workflow.errors import MESSAGES, problem
from schema.errors import ERROR_CODE_DESCRIPTIONS
from schema.node import to_global_id
from tests.factories import (
    create_awarding_body,
    create_curriculum,
    create_exam,
    create_participant,
    create_person,
    create_school,
    create_standard,
    create_student,
    create_user,
)

ROOT = Path(__file__).resolve().parents[2]


def test_only_document_verify_is_open_without_a_sign_in():
    mutation = build_schema(Settings())._schema.mutation_type
    assert mutation is not None

    left_open = [
        name
        for name, field in mutation.fields.items()
        if "_signed_in_resolver" not in getattr(field.resolve, "__qualname__", "")
    ]

    assert left_open == ["documentVerify"]


@pytest.mark.parametrize(
    ("mutation", "variables"),
    [
        (
            'mutation ($id: ID!) { examUpdate(id: $id, version: 1, input: {comment: "x"}) '
            "{ exam { id } userErrors { code field message } } }",
            {},
        ),
        (
            "mutation ($id: ID!) { examSubmit(id: $id, version: 1) "
            "{ exam { id } userErrors { code field message } } }",
            {},
        ),
        (
            "mutation { roleSelect(role: SCHOOL) { token userErrors { code field message } } }",
            None,
        ),
        (
            "mutation { notificationsMarkRead(all: true) "
            "{ unreadCount userErrors { code field message } } }",
            None,
        ),
    ],
)
async def test_a_mutation_without_a_token_is_unauthenticated_and_changes_nothing(
    api, mutation, variables
):
    exam = await create_exam(status=ExamStatus.DRAFT)
    if variables is not None:
        variables = {"id": to_global_id("Exam", exam.id)}

    body = await api.query(mutation, variables)

    [payload] = body["data"].values()
    assert payload["userErrors"] == [
        {"code": "UNAUTHENTICATED", "field": None, "message": "Logi sisse. / Sign in first."}
    ]
    assert "errors" not in body
    after = await Exam.get(id=exam.id)
    assert (after.version, after.status, after.comment) == (exam.version, exam.status, None)


async def test_a_read_refused_to_the_public_says_to_sign_in(api):
    body = await api.query("{ statistics { exams { exams } } }")

    assert body["data"]["statistics"]["exams"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Sign in" in error["message"]


async def test_a_read_refused_to_a_signed_in_role_stays_forbidden(api):
    assessor = await create_user(Role.ASSESSOR, await create_awarding_body())

    body = await api.query("{ statistics { exams { exams } } }", as_=(assessor, Role.ASSESSOR))

    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


ROLE_SELECT = """
mutation ($role: Role!, $organisation: ID) {
  roleSelect(role: $role, organisation: $organisation) { token userErrors { code field message } }
}"""


@pytest.mark.parametrize(
    ("role", "organisation", "field", "says"),
    [
        ("REGISTRY_ADMIN", None, ["role"], "You do not hold the role REGISTRY_ADMIN"),
        ("SCHOOL", "other", ["organisation"], "but not in this organisation"),
        ("SCHOOL", None, ["organisation"], "Name the school or awarding body"),
    ],
)
async def test_role_select_says_what_is_wrong(api, role, organisation, field, says):
    school = await create_school()
    person = await create_user(Role.SCHOOL, school)
    other = await create_school()
    variables = {
        "role": role,
        "organisation": to_global_id("School", other.id) if organisation else None,
    }

    body = await api.query(ROLE_SELECT, variables, as_=(person, Role.SCHOOL))

    payload = body["data"]["roleSelect"]
    assert payload["token"] is None
    [error] = payload["userErrors"]
    assert (error["code"], error["field"]) == ("FORBIDDEN", field)
    assert says in error["message"]


ADD = """
mutation ($exam: ID!, $students: [ID!]!) {
  examParticipantsAdd(exam: $exam, students: $students) { userErrors { code field message } }
}"""


async def test_not_eligible_names_each_students_actual_reason(api):
    school, body, standard = (
        await create_school(),
        await create_awarding_body(),
        await create_standard(),
    )
    curriculum = await create_curriculum(school, standard, nominal_years=3)
    other_curriculum = await create_curriculum(school, standard)
    user = await create_user(Role.SCHOOL, school)

    def exam(**values):  # type: ignore[no-untyped-def]
        return create_exam(
            school=school,
            awarding_body=body,
            standard=standard,
            curriculum=curriculum,
            responsible=user,
            final_course=3,
            **values,
        )

    target = await exam(status=ExamStatus.DRAFT)
    open_exam = await exam(
        status=ExamStatus.SUBMITTED, graduation_date=today() + timedelta(days=90)
    )
    done = await exam(status=ExamStatus.COMPLETED, graduation_date=today() + timedelta(days=120))

    async def student(**values):  # type: ignore[no-untyped-def]
        return await create_student(
            values.pop("on", curriculum), person=await create_person(), **values
        )

    fine = await student()
    not_final = await student(course=2)
    ended = await student(
        studies_ended_on=today() - timedelta(days=400), ends_on=today() - timedelta(days=400)
    )
    elsewhere = await student(on=other_curriculum)
    busy = await student()
    await create_participant(open_exam, person=await busy.person)
    sat = await student()
    await create_participant(done, person=await sat.person)
    students = [fine, not_final, ended, elsewhere, busy, sat]

    answer = await api.query(
        ADD,
        {
            "exam": to_global_id("Exam", target.id),
            "students": [to_global_id("Student", s.id) for s in students],
        },
        as_=(user, Role.SCHOOL),
    )

    errors = answer["data"]["examParticipantsAdd"]["userErrors"]
    assert {e["code"] for e in errors} == {"NOT_ELIGIBLE"}
    reasons = {tuple(e["field"]): e["message"].split(": ")[-1] for e in errors}
    assert reasons == {
        ("students", "1"): "not on the final course.",
        ("students", "2"): "studies ended over a year ago.",
        ("students", "3"): "studies on another curriculum.",
        ("students", "4"): "already in an open exam.",
        ("students", "5"): "already sat this curriculum's exam (the awarding body adds retakers).",
    }
    assert all(" / " in e["message"] and ".." not in e["message"] for e in errors)
    assert await Participant.filter(exam_id=target.id).count() == 0  # all or none


_DOUBLED = re.compile(r"(?<!\.)\.\.(?!\.)")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_no_message_has_a_doubled_full_stop_even_when_a_value_ends_one(code):
    names = re.findall(r"{(\w+)}", MESSAGES[code])

    message = problem(code, **{name: "Väärtus lõpeb punktiga." for name in names}).message

    assert not _DOUBLED.search(message), message


def _message_literals() -> list[tuple[str, str]]:
    """Every string literal in the service's code that reads as a message (Estonian / English)."""
    found = []
    for folder in ["app", "models", "resolvers", "schema", "signing", "mail", "integrations"]:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and " / " in node.value
                ):
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.value))
    return found


def test_no_message_literal_or_error_code_description_has_a_doubled_full_stop():
    texts = [
        *_message_literals(),
        *((code.value, text) for code, text in ERROR_CODE_DESCRIPTIONS.items()),
    ]
    assert len(texts) > 50

    doubled = [(where, text) for where, text in texts if _DOUBLED.search(text)]

    assert doubled == []
