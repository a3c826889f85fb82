"""A fuzzer in the suite (issue 11): hypothesis-graphql writes queries and mutations from the
schema, with random arguments, and sends them to the app as every demo role and the public.

Every answer must be: no HTTP 500; no server fault (nothing logged at ERROR by
`eksamihaldus.graphql`, no Python exception or ORM text in any message); no personal code
the role may not see, by the rules of models/access.py; and the server answers normally
afterwards. The seed is fixed and the number of examples small, so it runs in `./dev test`;
`pytest tests/test_fuzz.py --fuzz-examples=N` runs a larger campaign and prints its figures.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from graphql import (
    GraphQLID,
    GraphQLSchema,
    NullValueNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    print_ast,
    visit,
)
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from app.auth import issue_token
from app.demo import DEMO_USERS, load_demo_data
from app.graphql import build_schema
from app.logs import PERSONAL_CODE
from models.access import (
    Viewer,
    may_list_eligible_students,
    sees_personal_data_of_participants,
    visible_participants,
)
from models.curriculum import Curriculum
from models.organisation import Organisation
from models.participant import Participant
from models.person import Person
from models.student import Student
from schema.node import from_global_id, to_global_id

INTERNAL_TEXT = re.compile(
    r"Traceback|\b\w+(?:Error|Exception)\b|NoneType|object has no attribute|"
    r"unexpected keyword|int too large|tortoise|asyncpg|aiosqlite|sqlite3|psycopg|"
    r"IntegrityError|DoesNotExist|MultipleObjectsReturned|duplicate key|violates|"
    r"no such (?:table|column)|syntax error at or near",
    re.IGNORECASE,
)
# graphql-core's own words for a caller's mistake: not internal text.
CALLER_WORDS = re.compile(r"\bGraphQLError\b")

CUSTOM_SCALARS = {
    "Date": st.dates().map(lambda d: nodes.String(d.isoformat())),
    "DateTime": st.datetimes().map(lambda d: nodes.String(d.isoformat() + "Z")),
    "Time": st.times().map(lambda t: nodes.String(t.isoformat())),
    "JSON": st.just(nodes.String("{}")),
    "Upload": st.just(nodes.Null),
}


@dataclass
class Figures:
    """What a run sent and got back."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    messages: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.perf_counter)

    def report(self) -> str:
        seconds = time.perf_counter() - self.started
        return (
            f"fuzz: {self.requests} requests in {seconds:.1f} s "
            f"({self.requests / max(seconds, 1e-9):.1f}/s); statuses {dict(self.statuses)}; "
            f"roles {dict(self.roles)}; error codes {dict(self.codes.most_common(12))}; "
            f"most frequent messages {self.messages.most_common(5)}"
        )


class ServerFaults(logging.Handler):
    """Collects what `eksamihaldus.graphql` logs at ERROR: server faults only."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _problems(value: Any) -> list[dict[str, Any]]:
    """Every error and user error anywhere in an answer: the dicts with a `message`."""
    if isinstance(value, dict):
        found = [value] if isinstance(value.get("message"), str) else []
        return found + [p for item in value.values() for p in _problems(item)]
    if isinstance(value, list):
        return [p for item in value for p in _problems(item)]
    return []


def _code(problem: dict[str, Any]) -> str:
    return str(problem.get("code") or (problem.get("extensions") or {}).get("code") or "-")


async def _visible_codes(viewer: Viewer) -> set[str] | None:
    """The personal codes a viewer may see by models/access.py; None for all of them."""
    if viewer.is_admin:
        return None
    if viewer.person_id is None:
        return set()
    person_ids = {viewer.person_id}
    scope = visible_participants(viewer)
    if scope is not None and sees_personal_data_of_participants(viewer):
        person_ids |= set(await Participant.filter(scope).values_list("person_id", flat=True))
    if may_list_eligible_students(viewer):
        curricula = Curriculum.filter(school_id=viewer.organisation_id).values_list("id", flat=True)
        person_ids |= set(
            await Student.filter(curriculum_id__in=await curricula).values_list(
                "person_id", flat=True
            )
        )
    return set(await Person.filter(id__in=person_ids).values_list("personal_code", flat=True))


@dataclass
class Actor:
    name: str
    token: str | None
    visible: set[str] | None


async def _actors(app: Any) -> list[Actor]:
    actors = [Actor("PUBLIC", None, set())]
    for user in DEMO_USERS:
        person = await Person.get(personal_code=user.personal_code)
        organisation = (
            await Organisation.get(code=user.organisation_code) if user.organisation_code else None
        )
        organisation_id = organisation.id if organisation else None
        viewer = Viewer(person.id, user.role, organisation_id)
        token = issue_token(
            app.state.keys,
            app.state.settings,
            person_id=person.id,
            role=user.role,
            organisation_id=organisation_id,
        )
        name = f"{user.role.value}:{user.personal_code[-4:]}"
        actors.append(Actor(name, token, await _visible_codes(viewer)))
    return actors


async def _known_ids() -> list[str]:
    """Global IDs of the demo data's objects: random IDs would only ever be refused."""
    from models.exam import Exam
    from models.group import ExamGroup
    from models.protocol import Protocol
    from models.standard import Standard

    found: list[str] = []
    for type_name, model in [
        ("Exam", Exam),
        ("ExamGroup", ExamGroup),
        ("Participant", Participant),
        ("Protocol", Protocol),
        ("Standard", Standard),
        ("Curriculum", Curriculum),
        ("Person", Person),
        ("Student", Student),
    ]:
        keys = await model.all().order_by("id").limit(40).values_list("id", flat=True)
        found += [to_global_id(type_name, key) for key in keys]
    for organisation in await Organisation.all().order_by("id"):
        kind = "School" if organisation.kind.value == "SCHOOL" else "AwardingBody"
        found.append(to_global_id(kind, organisation.id))
    return found


# Which type of object an ID argument names, by the argument's (or input field's) name; an
# `id` argument by the field it belongs to.
_ID_TYPES = {
    "exam": "Exam",
    "group": "ExamGroup",
    "curriculum": "Curriculum",
    "standard": "Standard",
    "students": "Student",
    "participants": "Participant",
    "participant": "Participant",
    "person": "Person",
    "responsible": "Person",
    "organisation": "School",
    "school": "School",
    "awardingBody": "AwardingBody",
    "protocol": "Protocol",
}
_FIELD_PREFIXES = [
    ("exam", "Exam"),
    ("group", "ExamGroup"),
    ("participant", "Participant"),
    ("protocol", "Protocol"),
    ("standard", "Standard"),
    ("curriculum", "Curriculum"),
    ("school", "School"),
    ("awardingBody", "AwardingBody"),
]


def _id_type(names: list[str], field_name: str) -> str | None:
    if names and names[-1] in _ID_TYPES:
        return _ID_TYPES[names[-1]]
    for prefix, type_name in _FIELD_PREFIXES:
        if field_name.startswith(prefix):
            return type_name
    return None


class _RealIds(Visitor):
    """Puts an ID of the right type wherever the generated document has an ID."""

    def __init__(self, type_info: TypeInfo, by_type: dict[str, list[str]], draw: Any) -> None:
        super().__init__()
        self.type_info = type_info
        self.by_type = by_type
        self.draw = draw
        self.names: list[str] = []
        self.fields: list[str] = []

    def enter_field(self, node: Any, *_: Any) -> None:
        self.fields.append(node.name.value)

    def leave_field(self, *_: Any) -> None:
        self.fields.pop()

    def enter_argument(self, node: Any, *_: Any) -> None:
        self.names.append(node.name.value)

    def leave_argument(self, *_: Any) -> None:
        self.names.pop()

    def enter_object_field(self, node: Any, *_: Any) -> None:
        self.names.append(node.name.value)

    def leave_object_field(self, *_: Any) -> None:
        self.names.pop()

    def enter_string_value(self, node: Any, *_: Any) -> Any:
        if self.names and self.names[-1] == "after" and self.draw(st.integers(0, 9)) > 0:
            return NullValueNode()  # mostly no cursor: a random one is only ever refused
        if get_named_type(self.type_info.get_input_type()) is not GraphQLID:
            return None
        type_name = _id_type(self.names, self.fields[-1] if self.fields else "")
        pool = self.by_type.get(type_name or "", [])
        if not pool or self.draw(st.integers(0, 9)) == 0:  # now and then a foreign ID
            return None
        return StringValueNode(value=self.draw(st.sampled_from(pool)))


def _operations(schema: GraphQLSchema, ids: list[str]) -> st.SearchStrategy[str]:
    by_type: dict[str, list[str]] = {}
    for global_id in ids:
        decoded = from_global_id(global_id)
        if decoded is not None:
            by_type.setdefault(decoded[0], []).append(global_id)
    scalars = {
        **CUSTOM_SCALARS,
        "ID": st.one_of(st.sampled_from(ids), st.text(max_size=30)).map(nodes.String),
        # Mostly in-range numbers, so that operations get past the first check.
        "Int": st.one_of(
            st.integers(1, 100), st.integers(1, 5), st.integers(-(2**31), 2**31 - 1)
        ).map(nodes.Int),
    }
    documents = st.one_of(
        queries(schema, custom_scalars=scalars, allow_x00=False, print_ast=lambda d: d),
        mutations(schema, custom_scalars=scalars, allow_x00=False, print_ast=lambda d: d),
    )

    @st.composite
    def with_real_ids(draw: Any) -> str:
        document = draw(documents)
        type_info = TypeInfo(schema)
        visitor = TypeInfoVisitor(type_info, _RealIds(type_info, by_type, draw))
        return print_ast(visit(document, visitor))

    return with_real_ids()


async def _check(api: Any, actor: Actor, document: str, figures: Figures) -> None:
    headers = {"Authorization": f"Bearer {actor.token}"} if actor.token else {}
    response = await api.http.post("/graphql", json={"query": document}, headers=headers)
    figures.requests += 1
    figures.statuses[response.status_code] += 1
    figures.roles[actor.name.split(":")[0]] += 1
    assert response.status_code < 500, (actor.name, document, response.text)
    body = response.json()
    problems = _problems(body)
    figures.codes.update(_code(p) for p in problems)
    messages = [p["message"] for p in problems]
    figures.messages.update(m[:60] for m in messages)
    for message in messages:
        text = CALLER_WORDS.sub("", message)
        assert not INTERNAL_TEXT.search(text), (actor.name, document, message)
    if actor.visible is not None:
        seen = set(PERSONAL_CODE.findall(json.dumps(body.get("data"), ensure_ascii=False)))
        seen |= {c for m in messages for c in PERSONAL_CODE.findall(m)}
        leaked = seen - actor.visible
        assert not leaked, (actor.name, document, sorted(leaked))


@pytest.fixture
def fuzz_examples(request: pytest.FixtureRequest) -> int:
    return int(request.config.getoption("--fuzz-examples"))


@pytest.fixture
async def demo_actors(api: Any) -> list[Actor]:
    """The demo data loaded, and one actor per demo role and the public."""
    assert await load_demo_data()
    return await _actors(api.app)


@pytest.fixture
async def session_loop() -> asyncio.AbstractEventLoop:
    """The loop the app and its database connections live on."""
    return asyncio.get_running_loop()


def test_random_operations_for_every_role_never_fault_or_leak(
    api: Any,
    demo_actors: list[Actor],
    session_loop: asyncio.AbstractEventLoop,
    fuzz_examples: int,
) -> None:
    # A plain test driving the session's loop itself: hypothesis runs examples synchronously.
    actors = demo_actors
    assert {a.name.split(":")[0] for a in actors} >= {"PUBLIC", "SCHOOL", "REGISTRY_ADMIN"}
    schema = build_schema(api.app.state.settings)._schema
    faults = ServerFaults()
    logger = logging.getLogger("eksamihaldus.graphql")
    logger.addHandler(faults)
    figures = Figures()
    ids = session_loop.run_until_complete(_known_ids())
    assert len(ids) > 50

    @seed(20261127)
    @settings(
        max_examples=fuzz_examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(actor=st.sampled_from(actors), document=_operations(schema, ids))
    def one(actor: Actor, document: str) -> None:
        session_loop.run_until_complete(_check(api, actor, document, figures))
        assert not faults.records, (actor.name, document, faults.records[0].getMessage())

    try:
        one()
    finally:
        logger.removeHandler(faults)
        print(figures.report())  # noqa: T201 - the figures are the point of a larger run
    # Healthy after: a plain read still answers.
    after = session_loop.run_until_complete(
        api.http.post("/graphql", json={"query": "{ __typename }"})
    )
    assert after.json()["data"] == {"__typename": "Query"}
    assert figures.requests >= fuzz_examples
