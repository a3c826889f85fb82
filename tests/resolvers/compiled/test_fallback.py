"""Fields that need Python keep today's resolvers inside a compiled answer, at their paths,
with their errors at their paths; hidden guarded values are FORBIDDEN where they are; the
statement cache stays bounded."""

from __future__ import annotations

import pytest

from app.sqlcount import count_statements
from models.enums import Role
from resolvers.compiled import executor
from resolvers.compiled.executor import ANSWERED, STATEMENTS
from schema.node import to_global_id
from tests.factories import (
    create_committee_member,
    create_exam,
    create_group,
    create_participant,
    create_person,
    create_school,
    create_user,
)

pytestmark = pytest.mark.postgres_only

WITH_FALLBACKS = """
query ($id: ID!) { exam(id: $id) {
  id
  history(first: 1) { totalCount edges { node { action } } }
  groups { name committee { person { lastName personalCode } } }
  standard { name status partialQualifications { name } }
  eligibleStudents(first: 1) { totalCount }
} }
"""

# A cursor the server never gave: found only when the page is read (the bounds of `first`
# are refused before anything runs, so they cannot show where a fallback error lands).
BAD_PAGE_INSIDE = """
{ exams(first: 5) {
  totalCount edges { node { id participants(first: 5, after: "bm90IGEgY3Vyc29y") { totalCount } } }
} }
"""

BAD_PAGE_IN_EXAM = """
query ($id: ID!) {
  exam(id: $id) { id participants(first: 5, after: "bm90IGEgY3Vyc29y") { totalCount } }
}
"""

COMMITTEE_CODES = """
query ($id: ID!) { exam(id: $id) { groups { committee { person { personalCode } } } } }
"""

PERSONAL_DATA = """
query ($id: ID!) {
  exam(id: $id) { groups { participants { score result person { personalCode } } } }
}
"""

# Every document distinct (an alias named n), as an attacker filling the cache would send.
DISTINCT = "{{ exams(first: 5) {{ edges {{ node {{ a{n}: id }} }} }} }}"


async def _world():  # type: ignore[no-untyped-def]
    school = await create_school()
    user = await create_user(Role.SCHOOL, school)
    exam = await create_exam(school=school)
    group = await create_group(exam)
    await create_participant(exam, group)
    member = await create_person(first_name="Õie", last_name="Sööt")
    await create_committee_member(group, member)
    return user, exam, member


async def test_fallback_fields_are_answered_by_todays_resolvers_at_their_paths(api):
    user, exam, _ = await _world()
    token = await api.token_for(user, Role.SCHOOL)
    answered = ANSWERED[0]

    with count_statements() as statements:
        body = await api.query(WITH_FALLBACKS, {"id": to_global_id("Exam", exam.id)}, token=token)

    assert ANSWERED[0] == answered + 1
    data = body["data"]["exam"]
    assert data["id"] == to_global_id("Exam", exam.id)
    assert data["history"] == {"totalCount": 0, "edges": []}
    assert data["eligibleStudents"] == {"totalCount": 0}
    assert data["standard"]["status"] == "VALID"
    assert data["groups"][0]["committee"][0]["person"] == {"lastName": "Sööt", "personalCode": None}
    # The committee member's code is theirs and the registry's: FORBIDDEN, at its own path.
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["exam", "groups", 0, "committee", 0, "person", "personalCode"], "FORBIDDEN")
    ]
    # auth, the compiled statement, then what the fallback resolvers read for themselves
    # (the exam and standard objects they run on, history, eligible students, ...).
    assert statements[0] > 2


async def test_a_fallback_error_lands_at_its_path_and_nulls_as_today(api):
    user, exam, _ = await _world()
    token = await api.token_for(user, Role.SCHOOL)

    inside = await api.query(BAD_PAGE_INSIDE, token=token)
    in_exam = await api.query(BAD_PAGE_IN_EXAM, {"id": to_global_id("Exam", exam.id)}, token=token)

    # participants is non-null, so is the edge's node: the error empties the whole list.
    assert inside["data"] is None
    assert [e["path"] for e in inside["errors"]] == [["exams", "edges", 0, "node", "participants"]]
    assert inside["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
    # exam is nullable: it becomes null, the error keeps the field's path.
    assert in_exam["data"] == {"exam": None}
    assert [e["path"] for e in in_exam["errors"]] == [["exam", "participants"]]


async def test_a_per_row_guard_shows_a_person_their_own_code_only(api):
    school = await create_school()
    exam = await create_exam(school=school)
    group = await create_group(exam)
    me = await create_user(Role.ASSESSOR, exam.awarding_body)  # type: ignore[arg-type]
    other = await create_person()
    await create_committee_member(group, me)
    await create_committee_member(group, other)
    query = (
        "query ($id: ID!) { exam(id: $id) { groups { committee { person { personalCode } } } } }"
    )

    body = await api.query(query, {"id": to_global_id("Exam", exam.id)}, as_=(me, Role.ASSESSOR))

    codes = [m["person"]["personalCode"] for m in body["data"]["exam"]["groups"][0]["committee"]]
    assert codes == [me.personal_code, None]
    assert [e["path"] for e in body["errors"]] == [
        ["exam", "groups", 0, "committee", 1, "person", "personalCode"]
    ]


async def test_a_role_denied_personal_data_gets_forbidden_on_both_paths(api, monkeypatch):
    """No role that reaches a participant is denied today; the rule is one function, and
    both paths follow it when it says no."""
    user, exam, _ = await _world()
    for module in ("resolvers.loaders.participant", "resolvers.compiled.compiler"):
        monkeypatch.setattr(f"{module}.sees_personal_data_of_participants", lambda viewer: False)
    STATEMENTS.clear()
    body = await api.query(
        PERSONAL_DATA, {"id": to_global_id("Exam", exam.id)}, as_=(user, Role.SCHOOL)
    )
    STATEMENTS.clear()

    participant = body["data"]["exam"]["groups"][0]["participants"][0]
    assert participant == {"score": None, "result": None, "person": {"personalCode": None}}
    assert sorted((e["path"][-1], e["extensions"]["code"]) for e in body["errors"]) == [
        ("personalCode", "FORBIDDEN"),
        ("result", "FORBIDDEN"),
        ("score", "FORBIDDEN"),
    ]


async def test_the_statement_cache_keeps_a_bounded_number_of_documents(api, monkeypatch):
    user, exam, _ = await _world()
    token = await api.token_for(user, Role.SCHOOL)
    monkeypatch.setattr(executor.STATEMENTS, "size", 5)
    STATEMENTS.clear()

    for n in range(20):
        # Every document is new: an alias makes it distinct.
        body = await api.query(
            f"{{ exams(first: 5) {{ edges {{ node {{ a{n}: id }} }} }} }}", token=token
        )
        assert body["data"]["exams"]["edges"][0]["node"] == {f"a{n}": to_global_id("Exam", exam.id)}
        assert len(STATEMENTS) <= 5
    STATEMENTS.clear()


async def test_with_compiled_reads_off_every_field_takes_the_resolver_path(app, api):
    from dataclasses import replace

    from app.asgi import create_app
    from tests.client import Api

    user, exam, _ = await _world()
    token = await api.token_for(user, Role.SCHOOL)
    settings = replace(app.state.settings, compiled_reads=False)
    off = Api(create_app(settings, migrate=False, demo=False))
    answered = ANSWERED[0]

    body = await off.query(DISTINCT.format(n=0), token=token)
    await off.http.aclose()

    assert body["data"]["exams"]["edges"] == [{"node": {"a0": to_global_id("Exam", exam.id)}}]
    assert ANSWERED[0] == answered
