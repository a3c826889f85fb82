"""Per-request DataLoaders: every relation in the graph is fetched through one of these, in one
query per batch, with the viewer's row scopes applied. Rows are read with `.values()` and
turned straight into GraphQL objects; no ORM instances are built on the read path."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.expressions import Q, Subquery

from models.access import (
    Viewer,
    exam_scope,
    group_scope,
    participant_scope,
    protocol_scope,
    report_scope,
    sees_personal_code_of,
    sees_personal_data_of_participants,
)
from models.compensation import CompensationRate as CompensationRateRow
from models.curriculum import Curriculum as CurriculumRow
from models.curriculum import CurriculumStandard
from models.enums import OrganisationKind
from models.exam import Exam as ExamRow
from models.group import ExamGroup as ExamGroupRow
from models.organisation import Organisation
from models.participant import Participant as ParticipantRow
from models.person import Person as PersonRow
from models.protocol import Protocol as ProtocolRow
from models.protocol import ProtocolSigner as ProtocolSignerRow
from models.protocol import Signature as SignatureRow
from models.standard import PartialQualification as PartialQualificationRow
from models.standard import Specialisation as SpecialisationRow
from models.standard import Standard as StandardRow
from models.standard import StandardAwardingBody
from resolvers.sql import KeyedSelect
from schema.compensation import RATE_COLUMNS, CompensationRate
from schema.curriculum import CURRICULUM_COLUMNS, Curriculum
from schema.exam import EXAM_COLUMNS, Exam
from schema.group import GROUP_COLUMNS, CommitteeMember, ExamGroup
from schema.node import to_global_id
from schema.organisation import AwardingBody, School
from schema.participant import PARTICIPANT_COLUMNS, Participant
from schema.person import Person
from schema.protocol import PROTOCOL_COLUMNS, Protocol, ProtocolSigner, Signature
from schema.standard import STANDARD_COLUMNS, PartialQualification, Specialisation, Standard

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _by_key(keys: Sequence[K], rows: Iterable[tuple[K, V]]) -> list[V | None]:
    found = dict(rows)
    return [found.get(key) for key in keys]


def _grouped(keys: Sequence[K], rows: Iterable[tuple[K, V]]) -> list[list[V]]:
    groups: dict[K, list[V]] = defaultdict(list)
    for key, value in rows:
        groups[key].append(value)
    return [groups.get(key, []) for key in keys]


# Batches stay well below the bound-parameter limits of both databases (~32 000).
MAX_BATCH = 1000


def _loader(load: Callable[[list[Any]], Awaitable[list[Any]]]) -> DataLoader[Any, Any]:
    return DataLoader(load_fn=load, max_batch_size=MAX_BATCH)


_PERSON_COLUMNS = (
    "pe.first_name AS person_first_name, pe.last_name AS person_last_name, "
    "pe.personal_code AS person_personal_code"
)
PARTICIPANTS_BY_GROUP = KeyedSelect(
    "SELECT p.id, p.exam_id, p.group_id, p.kind, p.course, p.funding_code, p.special_needs, "
    f"p.result, p.score, p.language, p.version, p.person_id, {_PERSON_COLUMNS} "
    "FROM participant p JOIN person pe ON pe.id = p.person_id "
    "WHERE p.group_id {keys} ORDER BY pe.last_name, pe.first_name, p.id",
    sqlite_types={"special_needs": (ParticipantRow, "special_needs")},
)
COMMITTEE_BY_GROUP = KeyedSelect(
    f"SELECT c.group_id, c.role, c.person_id, {_PERSON_COLUMNS} "
    "FROM committee_member c JOIN person pe ON pe.id = c.person_id "
    "WHERE c.group_id {keys} ORDER BY c.id",
    sqlite_types={},
)
SIGNATURES_BY_PROTOCOL = KeyedSelect(
    "SELECT s.protocol_id, s.signer_role, s.method, s.signed_at, s.timestamp_at, "
    f"s.certificate_subject, s.signer_id AS person_id, {_PERSON_COLUMNS} "
    "FROM signature s JOIN person pe ON pe.id = s.signer_id "
    "WHERE s.protocol_id {keys} ORDER BY s.signed_at, s.id",
    sqlite_types={
        "signed_at": (SignatureRow, "signed_at"),
        "timestamp_at": (SignatureRow, "timestamp_at"),
    },
)


class Loaders:
    """Created once per request for one viewer."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    # ----- scopes -----
    def visible_exams(self) -> Q | None:
        return exam_scope(self.viewer)

    def visible_groups(self) -> Q | None:
        scope = exam_scope(self.viewer)
        if scope is None:
            return None
        visible_exam_ids = Subquery(ExamRow.filter(scope).values("id"))
        return Q(exam_id__in=visible_exam_ids) & group_scope(self.viewer)

    def visible_participants(self) -> Q | None:
        scope = exam_scope(self.viewer)
        if scope is None:
            return None
        visible_exam_ids = Subquery(ExamRow.filter(scope).values("id"))
        return Q(exam_id__in=visible_exam_ids) & participant_scope(self.viewer)

    def visible_protocols(self) -> Q | None:
        scope = exam_scope(self.viewer)
        if scope is None:
            return None
        visible_exam_ids = Subquery(ExamRow.filter(scope).values("id"))
        return Q(exam_id__in=visible_exam_ids) & protocol_scope(self.viewer)

    # ----- exams, groups, participants, protocols (scoped) -----
    @cached_property
    def exam(self) -> DataLoader[int, Exam | None]:
        async def load(ids: list[int]) -> list[Exam | None]:
            scope = self.visible_exams()
            if scope is None:
                return [None] * len(ids)
            rows = await ExamRow.filter(scope, id__in=ids).values(*EXAM_COLUMNS)
            return _by_key(ids, ((row["id"], Exam.from_row(row)) for row in rows))

        return _loader(load)

    @cached_property
    def group(self) -> DataLoader[int, ExamGroup | None]:
        async def load(ids: list[int]) -> list[ExamGroup | None]:
            scope = self.visible_groups()
            if scope is None:
                return [None] * len(ids)
            rows = await ExamGroupRow.filter(scope, id__in=ids).values(*GROUP_COLUMNS)
            return _by_key(ids, ((row["id"], ExamGroup.from_row(row)) for row in rows))

        return _loader(load)

    @cached_property
    def groups_by_exam(self) -> DataLoader[int, list[ExamGroup]]:
        async def load(exam_ids: list[int]) -> list[list[ExamGroup]]:
            rows = (
                await ExamGroupRow.filter(group_scope(self.viewer), exam_id__in=exam_ids)
                .order_by("name", "id")
                .values(*GROUP_COLUMNS)
            )
            groups = [(row["exam_id"], ExamGroup.from_row(row)) for row in rows]
            for _, group in groups:
                self.group.prime(group.pk, group)
            return _grouped(exam_ids, groups)

        return _loader(load)

    @cached_property
    def participant(self) -> DataLoader[int, Participant | None]:
        async def load(ids: list[int]) -> list[Participant | None]:
            scope = self.visible_participants()
            if scope is None:
                return [None] * len(ids)
            rows = await ParticipantRow.filter(scope, id__in=ids).values(**PARTICIPANT_COLUMNS)
            visible = sees_personal_data_of_participants(self.viewer)
            return _by_key(
                ids, ((row["id"], Participant.from_row(row, visible=visible)) for row in rows)
            )

        return _loader(load)

    @cached_property
    def participants_by_group(self) -> DataLoader[int, list[Participant]]:
        # Only reached from a group the viewer may see.
        async def load(group_ids: list[int]) -> list[list[Participant]]:
            rows = await PARTICIPANTS_BY_GROUP.fetch(group_ids)
            visible = sees_personal_data_of_participants(self.viewer)
            return _grouped(
                group_ids,
                ((row["group_id"], Participant.from_row(row, visible=visible)) for row in rows),
            )

        return _loader(load)

    @cached_property
    def committee_by_group(self) -> DataLoader[int, list[CommitteeMember]]:
        async def load(group_ids: list[int]) -> list[list[CommitteeMember]]:
            rows = await COMMITTEE_BY_GROUP.fetch(group_ids)
            return _grouped(
                group_ids,
                (
                    (row["group_id"], CommitteeMember(role=row["role"], person=self._person(row)))
                    for row in rows
                ),
            )

        return _loader(load)

    @cached_property
    def protocols_by_exam(self) -> DataLoader[int, list[Protocol]]:
        async def load(exam_ids: list[int]) -> list[list[Protocol]]:
            scope = self.visible_protocols()
            if scope is None:
                return [[] for _ in exam_ids]
            rows = (
                await ProtocolRow.filter(scope, exam_id__in=exam_ids)
                .order_by("kind", "id")
                .values(*PROTOCOL_COLUMNS)
            )
            return _grouped(exam_ids, ((row["exam_id"], Protocol.from_row(row)) for row in rows))

        return _loader(load)

    @cached_property
    def protocol(self) -> DataLoader[int, Protocol | None]:
        async def load(ids: list[int]) -> list[Protocol | None]:
            scope = self.visible_protocols()
            if scope is None:
                return [None for _ in ids]
            rows = await ProtocolRow.filter(scope, id__in=ids).values(*PROTOCOL_COLUMNS)
            return _by_key(ids, ((row["id"], Protocol.from_row(row)) for row in rows))

        return _loader(load)

    @cached_property
    def signatures_by_protocol(self) -> DataLoader[int, list[Signature]]:
        async def load(protocol_ids: list[int]) -> list[list[Signature]]:
            rows = await SIGNATURES_BY_PROTOCOL.fetch(protocol_ids)
            return _grouped(
                protocol_ids,
                (
                    (
                        row["protocol_id"],
                        Signature(
                            signer=self._person(row),
                            signer_role=row["signer_role"],
                            method=row["method"],
                            signed_at=row["signed_at"],
                            timestamp_at=row["timestamp_at"],
                            certificate_subject=row["certificate_subject"],
                        ),
                    )
                    for row in rows
                ),
            )

        return _loader(load)

    @cached_property
    def signers_by_protocol(self) -> DataLoader[int, list[ProtocolSigner]]:
        async def load(protocol_ids: list[int]) -> list[list[ProtocolSigner]]:
            rows = (
                await ProtocolSignerRow.filter(protocol_id__in=protocol_ids)
                .order_by("protocol_id", "position")
                .values(
                    "protocol_id",
                    "position",
                    "role_label",
                    "person_id",
                    person_first_name="person__first_name",
                    person_last_name="person__last_name",
                    person_personal_code="person__personal_code",
                )
            )
            signed = set(
                await SignatureRow.filter(protocol_id__in=protocol_ids).values_list(
                    "protocol_id", "signer_id"
                )
            )
            return _grouped(
                protocol_ids,
                (
                    (
                        row["protocol_id"],
                        ProtocolSigner(
                            person=self._person(row),
                            role_label=row["role_label"],
                            position=row["position"],
                            signed=(row["protocol_id"], row["person_id"]) in signed,
                        ),
                    )
                    for row in rows
                ),
            )

        return _loader(load)

    def _person(self, row: dict[str, Any]) -> Person:
        return Person.from_row(
            row,
            prefix="person_",
            code_visible=sees_personal_code_of(self.viewer, row["person_id"]),
        )

    # ----- people -----
    @cached_property
    def person(self) -> DataLoader[int, Person | None]:
        async def load(ids: list[int]) -> list[Person | None]:
            rows = await PersonRow.filter(id__in=ids).values(
                person_id="id",
                person_first_name="first_name",
                person_last_name="last_name",
                person_personal_code="personal_code",
            )
            return _by_key(ids, ((row["person_id"], self._person(row)) for row in rows))

        return _loader(load)

    # ----- public catalogue: organisations, standards, curricula -----
    def _organisation_loader(self, kind: OrganisationKind, build: Callable[[dict[str, Any]], V]):  # type: ignore[no-untyped-def]
        async def load(ids: list[int]) -> list[V | None]:
            rows = await Organisation.filter(id__in=ids, kind=kind).values("id", "name", "code")
            return _by_key(ids, ((row["id"], build(row)) for row in rows))

        return _loader(load)

    @cached_property
    def school(self) -> DataLoader[int, School | None]:
        return self._organisation_loader(OrganisationKind.SCHOOL, School.from_row)

    @cached_property
    def awarding_body(self) -> DataLoader[int, AwardingBody | None]:
        return self._organisation_loader(OrganisationKind.AWARDING_BODY, AwardingBody.from_row)

    @cached_property
    def standard(self) -> DataLoader[int, Standard | None]:
        async def load(ids: list[int]) -> list[Standard | None]:
            rows = await StandardRow.filter(id__in=ids).values(*STANDARD_COLUMNS)
            return _by_key(ids, ((row["id"], Standard.from_row(row)) for row in rows))

        return _loader(load)

    @cached_property
    def compensation_rate(self) -> DataLoader[int, CompensationRate | None]:
        """Rates, for the roles that see reports (models.access.report_scope)."""

        async def load(ids: list[int]) -> list[CompensationRate | None]:
            if report_scope(self.viewer) is None:
                return [None] * len(ids)
            rows = await CompensationRateRow.filter(id__in=ids).values(*RATE_COLUMNS)
            return _by_key(ids, ((row["id"], CompensationRate.from_row(row)) for row in rows))

        return _loader(load)

    @cached_property
    def curriculum(self) -> DataLoader[int, Curriculum | None]:
        async def load(ids: list[int]) -> list[Curriculum | None]:
            rows = await CurriculumRow.filter(id__in=ids).values(*CURRICULUM_COLUMNS)
            return _by_key(ids, ((row["id"], Curriculum.from_row(row)) for row in rows))

        return _loader(load)

    @cached_property
    def partial_qualifications_by_standard(self) -> DataLoader[int, list[PartialQualification]]:
        async def load(ids: list[int]) -> list[list[PartialQualification]]:
            rows = (
                await PartialQualificationRow.filter(standard_id__in=ids)
                .order_by("name", "id")
                .values("id", "standard_id", "name")
            )
            return _grouped(
                ids,
                (
                    (
                        row["standard_id"],
                        PartialQualification(
                            id=to_global_id("PartialQualification", row["id"]), name=row["name"]
                        ),
                    )
                    for row in rows
                ),
            )

        return _loader(load)

    @cached_property
    def specialisations_by_standard(self) -> DataLoader[int, list[Specialisation]]:
        async def load(ids: list[int]) -> list[list[Specialisation]]:
            rows = (
                await SpecialisationRow.filter(standard_id__in=ids)
                .order_by("name", "id")
                .values("id", "standard_id", "name")
            )
            return _grouped(
                ids,
                (
                    (
                        row["standard_id"],
                        Specialisation(
                            id=to_global_id("Specialisation", row["id"]), name=row["name"]
                        ),
                    )
                    for row in rows
                ),
            )

        return _loader(load)

    @cached_property
    def awarding_bodies_by_standard(self) -> DataLoader[int, list[AwardingBody]]:
        async def load(ids: list[int]) -> list[list[AwardingBody]]:
            rows = (
                await StandardAwardingBody.filter(standard_id__in=ids)
                .order_by("awarding_body__name")
                .values(
                    "standard_id",
                    id="awarding_body_id",
                    name="awarding_body__name",
                    code="awarding_body__code",
                )
            )
            return _grouped(ids, ((row["standard_id"], AwardingBody.from_row(row)) for row in rows))

        return _loader(load)

    @cached_property
    def curricula_by_standard(self) -> DataLoader[int, list[Curriculum]]:
        async def load(ids: list[int]) -> list[list[Curriculum]]:
            columns = {c: f"curriculum__{c}" for c in CURRICULUM_COLUMNS}
            rows = (
                await CurriculumStandard.filter(standard_id__in=ids)
                .order_by("curriculum__name", "curriculum_id")
                .values("standard_id", **columns)
            )
            return _grouped(ids, ((row["standard_id"], Curriculum.from_row(row)) for row in rows))

        return _loader(load)

    @cached_property
    def schools_by_standard(self) -> DataLoader[int, list[School]]:
        async def load(ids: list[int]) -> list[list[School]]:
            rows = (
                await CurriculumStandard.filter(standard_id__in=ids)
                .order_by("curriculum__school__name")
                .values(
                    "standard_id",
                    id="curriculum__school_id",
                    name="curriculum__school__name",
                    code="curriculum__school__code",
                )
            )
            unique = {(row["standard_id"], row["id"]): row for row in rows}
            return _grouped(ids, ((key[0], School.from_row(row)) for key, row in unique.items()))

        return _loader(load)

    @cached_property
    def standards_by_curriculum(self) -> DataLoader[int, list[Standard]]:
        async def load(ids: list[int]) -> list[list[Standard]]:
            columns = {c: f"standard__{c}" for c in STANDARD_COLUMNS}
            rows = (
                await CurriculumStandard.filter(curriculum_id__in=ids)
                .order_by("standard__name", "standard_id")
                .values("curriculum_id", **columns)
            )
            return _grouped(ids, ((row["curriculum_id"], Standard.from_row(row)) for row in rows))

        return _loader(load)
