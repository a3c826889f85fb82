"""Which GraphQL types the compiler knows: their tables, relations and computed fields.

A plain scalar field (no resolver, no loader) is read from the column of its Python name
unless `columns` says otherwise. Relations and computed fields are declared here. Any other
field of a compiled type (a resolver that needs Python: documents, verification, eligible
students, history, a standard's lists) falls back to today's resolver, on a parent object
built by the type's `loader` from the primary key the SQL carries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from models.access import may_download_extract, may_download_protocol
from models.enums import FundingCode, ProtocolKind
from resolvers.compiled.plan import LoaderOf
from resolvers.compiled.spelling import global_id, literal

if TYPE_CHECKING:
    from resolvers.compiled.compiler import Compiler

# How a person's code is guarded where the person is reached: as an exam's participant
# (models.access.sees_personal_data_of_participants) or anywhere else, e.g. a committee
# member or a signer (models.access.sees_personal_code_of).
PARTICIPANT_CODES = "participant"
OWN_CODES = "own"


@dataclass(frozen=True)
class ToOne:
    """A single related row: `target`'s row whose id is the parent's `fk` column."""

    target: str
    fk: str
    # "group": the viewer's group scope applies (a participant's group).
    scope: str | None = None
    person_codes: str = OWN_CODES


@dataclass(frozen=True)
class ToMany:
    """Rows of `target` whose `fk` column holds the parent's id, in `order`."""

    target: str
    fk: str
    order: tuple[str, ...]
    # Extra FROM items, `{t}` being the target's alias.
    joins: str = ""
    # "group", "participant" or "protocol": that row scope of models.access applies.
    scope: str | None = None
    person_codes: str = OWN_CODES


@dataclass(frozen=True)
class Paged:
    """A keyset-paginated connection of `target` rows (resolvers/pagination.py)."""

    target: str
    # The parent's id column on the target; None at the root.
    fk: str | None
    # (SQL, descending) with `{t}` for the target's alias; the last one unique.
    order: tuple[tuple[str, bool], ...]
    # The SQL type of each order value in a cursor, and its Python type.
    cursor_types: tuple[tuple[str, type], ...]
    joins: str = ""
    scope: str | None = None
    person_codes: str = OWN_CODES
    # Arguments beyond first/after that the compiled path handles itself.
    arguments: tuple[str, ...] = ()


Relation = ToOne | ToMany | Paged
Computed = Callable[["Compiler", str], str]


@dataclass(frozen=True)
class TypeEntry:
    table: str
    # The global ID's type name (the `id` field); None for types without one.
    gid: str | None = None
    # The per-request loader (resolvers/loaders/) that builds the Strawberry object of a
    # primary key, for fields that fall back to today's resolvers.
    loader: LoaderOf | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    relations: Mapping[str, Relation] = field(default_factory=dict)
    computed: Mapping[str, Computed] = field(default_factory=dict)
    # Extra condition on every row reached (an organisation of the right kind).
    where: str | None = None


def _state_funded(compiler: Compiler, t: str) -> str:
    codes = ", ".join(literal(code.value) for code in FundingCode if code.state_funded)
    return f"coalesce({t}.funding_code IN ({codes}), false)"


def _participant_count(compiler: Compiler, t: str) -> str:
    return f"(SELECT count(*) FROM participant pc WHERE pc.group_id = {t}.id)"


def _free_places(compiler: Compiler, t: str) -> str:
    return f'({t}."limit" - {_participant_count(compiler, t)})'


def _document_url(compiler: Compiler, t: str) -> str:
    # models.access decides per protocol kind; the statement carries its answer for each.
    allowed = [
        literal(kind.value)
        for kind in ProtocolKind
        if may_download_protocol(compiler.viewer, kind.value, None)
    ]
    if not allowed:
        return "NULL::text"
    url = f"'/documents/protocols/' || {global_id('Protocol', f'{t}.id')}"
    return f"CASE WHEN {t}.kind IN ({', '.join(allowed)}) THEN {url} END"


def _extract_url(compiler: Compiler, t: str) -> str:
    # As schema/protocol.py: a signed commission protocol, for those who get the extract.
    if not may_download_extract(compiler.viewer):
        return "NULL::text"
    url = f"'/documents/extracts/' || {global_id('Protocol', f'{t}.id')}"
    return f"CASE WHEN {t}.kind = 'COMMISSION' AND {t}.status = 'SIGNED' THEN {url} END"


def _signed(compiler: Compiler, t: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM signature ss WHERE ss.protocol_id = {t}.protocol_id "
        f"AND ss.signer_id = {t}.person_id)"
    )


_BY_NAME = ("{t}_pe.last_name", "{t}_pe.first_name", "{t}.id")
_PERSON_JOIN = "JOIN person {t}_pe ON {t}_pe.id = {t}.person_id"

CATALOG: dict[str, TypeEntry] = {
    "Exam": TypeEntry(
        table="exam",
        gid="Exam",
        loader=lambda loaders: loaders.exam.by_id,
        relations={
            "school": ToOne("School", "school_id"),
            "awardingBody": ToOne("AwardingBody", "awarding_body_id"),
            "curriculum": ToOne("Curriculum", "curriculum_id"),
            "standard": ToOne("Standard", "standard_id"),
            "responsible": ToOne("Person", "responsible_id"),
            "groups": ToMany("ExamGroup", "exam_id", ("{t}.name", "{t}.id"), scope="group"),
            "participants": Paged(
                "Participant",
                "exam_id",
                tuple((column, False) for column in _BY_NAME),
                (("text", str), ("text", str), ("int", int)),
                joins=_PERSON_JOIN,
                scope="participant",
                person_codes=PARTICIPANT_CODES,
            ),
            "protocols": ToMany("Protocol", "exam_id", ("{t}.kind", "{t}.id"), scope="protocol"),
        },
    ),
    "ExamGroup": TypeEntry(
        table="exam_group",
        gid="ExamGroup",
        loader=lambda loaders: loaders.group.by_id,
        relations={
            "participants": ToMany(
                "Participant",
                "group_id",
                _BY_NAME,
                joins=_PERSON_JOIN,
                person_codes=PARTICIPANT_CODES,
            ),
            "committee": ToMany("CommitteeMember", "group_id", ("{t}.id",)),
        },
        computed={"participantCount": _participant_count, "freePlaces": _free_places},
    ),
    "Participant": TypeEntry(
        table="participant",
        gid="Participant",
        loader=lambda loaders: loaders.participant.by_id,
        relations={
            "person": ToOne("Person", "person_id", person_codes=PARTICIPANT_CODES),
            "group": ToOne("ExamGroup", "group_id", scope="group"),
        },
        computed={"stateFunded": _state_funded},
    ),
    "Person": TypeEntry(table="person", gid="Person", loader=lambda loaders: loaders.person.by_id),
    "CommitteeMember": TypeEntry(
        table="committee_member", relations={"person": ToOne("Person", "person_id")}
    ),
    "Protocol": TypeEntry(
        table="protocol",
        gid="Protocol",
        loader=lambda loaders: loaders.protocol.by_id,
        relations={
            "signatures": ToMany("Signature", "protocol_id", ("{t}.signed_at", "{t}.id")),
            "signers": ToMany("ProtocolSigner", "protocol_id", ("{t}.position", "{t}.id")),
        },
        computed={"documentUrl": _document_url, "extractUrl": _extract_url},
    ),
    "Signature": TypeEntry(table="signature", relations={"signer": ToOne("Person", "signer_id")}),
    "ProtocolSigner": TypeEntry(
        table="protocol_signer",
        relations={"person": ToOne("Person", "person_id")},
        computed={"signed": _signed},
    ),
    "School": TypeEntry(
        table="organisation",
        gid="School",
        loader=lambda loaders: loaders.organisation.school,
        columns={"ehisCode": "code"},
        where="{t}.kind = 'SCHOOL'",
    ),
    "AwardingBody": TypeEntry(
        table="organisation",
        gid="AwardingBody",
        loader=lambda loaders: loaders.organisation.awarding_body,
        columns={"registryCode": "code"},
        where="{t}.kind = 'AWARDING_BODY'",
    ),
    "Standard": TypeEntry(
        table="standard", gid="Standard", loader=lambda loaders: loaders.standard.by_id
    ),
    "Curriculum": TypeEntry(
        table="curriculum",
        gid="Curriculum",
        loader=lambda loaders: loaders.curriculum.by_id,
        relations={"school": ToOne("School", "school_id")},
    ),
}

# The root fields compiled, with the connection of `exams`.
EXAMS = Paged(
    "Exam",
    None,
    (("{t}.id", True),),
    (("int", int),),
    scope="exam",
    arguments=("filter",),
)
