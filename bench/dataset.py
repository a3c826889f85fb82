"""The benchmark data set: rows inserted with `bulk_create` into an empty, migrated database.

Primary keys are assigned here (the database is new), so no row has to be read back; on
PostgreSQL the id sequences are moved past them afterwards. Two shapes share one school:
one large "exam page" exam, and a "school list" of smaller exams with protocols each.
Exams are marked in `comment`, so `--reuse` can find them again without regenerating.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tortoise.models import Model

from bench.database import settle
from models.curriculum import Curriculum, CurriculumStandard
from models.enums import (
    CommitteeRole,
    ExamStatus,
    FundingCode,
    OrganisationKind,
    ParticipantKind,
    ParticipantResult,
    ProtocolKind,
    ProtocolStatus,
    Role,
    SignatureMethod,
)
from models.exam import Exam
from models.group import CommitteeMember, ExamGroup
from models.organisation import Organisation
from models.participant import Participant
from models.person import Person, RoleAssignment
from models.personal_code import make_personal_code
from models.protocol import Protocol, Signature
from models.standard import PartialQualification, Standard, StandardAwardingBody

PAGE_MARK = "bench:exam-page"
LIST_MARK = "bench:school-list"

FIRST_NAMES = ["Mari", "Jaan", "Kadri", "Tõnu", "Liis", "Märt", "Ülle", "Andres", "Kätlin", "Priit"]
LAST_NAMES = ["Tamm", "Saar", "Sepp", "Mägi", "Kask", "Õunapuu", "Kuusk", "Rebane", "Ilves", "Pärn"]
COMMITTEE_ROLES = [CommitteeRole.CHAIR, CommitteeRole.EMPLOYER, CommitteeRole.EMPLOYEE]


@dataclass
class Sizes:
    groups: int = 10
    participants: int = 20
    list_exams: int = 20
    list_groups: int = 3
    list_participants: int = 20


@dataclass
class Handles:
    """What the benchmark needs to know about the generated data."""

    exam_page_id: int
    school_id: int
    school_user_id: int
    rows: dict[str, int] = field(default_factory=dict)


def personal_code(n: int) -> str:
    """The n-th valid Estonian personal code (born 1960 onwards, a new birthday every 900)."""
    born = date(1960, 1, 1) + timedelta(days=n // 900)
    return make_personal_code(born, 100 + n % 900, female=n % 2 == 1)


# ----- rows -----
class _Builder:
    def __init__(self) -> None:
        self.ids: dict[type[Model], itertools.count[int]] = {}
        self.rows: dict[type[Model], list[Model]] = {}
        self.people = 0
        self.stamp = datetime(2025, 5, 20, 8, 0, 0, 123456, tzinfo=UTC)

    def add(self, model: type[Model], **values: Any) -> int:
        pk = next(self.ids.setdefault(model, itertools.count(1)))
        self.rows.setdefault(model, []).append(model(id=pk, **values))
        return pk

    def person(self) -> int:
        n = self.people
        self.people += 1
        return self.add(
            Person,
            personal_code=personal_code(n),
            first_name=FIRST_NAMES[(n * 7) % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(n * 3 + n // 10) % len(LAST_NAMES)],
        )

    def signed_at(self) -> datetime:
        self.stamp += timedelta(minutes=7, microseconds=1013)
        return self.stamp

    def exam(self, ctx: dict[str, int], *, status: ExamStatus, mark: str, n: int) -> int:
        submitted = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
        return self.add(
            Exam,
            school_id=ctx["school"],
            awarding_body_id=ctx["body"],
            curriculum_id=ctx["curriculum"],
            standard_id=ctx["standard"],
            status=status,
            graduation_date=date(2025, 6, 20) + timedelta(days=n % 5),
            language="et",
            final_course=3,
            responsible_id=ctx["user"],
            created_by_id=ctx["user"],
            comment=mark,
            submitted_at=submitted,
            accepted_at=submitted + timedelta(days=3),
            completed_at=submitted + timedelta(days=60) if status is ExamStatus.COMPLETED else None,
        )

    def group(self, exam_id: int, *, index: int, participants: int, assessed: bool) -> int:
        group_id = self.add(
            ExamGroup,
            exam_id=exam_id,
            name=f"Keevitaja, tase 4 (G{index + 1:02d})",
            limit=min(200, max(participants, 1) + 5),
            language="et",
            date=date(2025, 5, 20) + timedelta(days=index),
            time=time(9 + index % 4, 30 * (index % 2)),
            place="Tallinna Tööstushariduskeskus",
            room=f"A{200 + index}",
        )
        committee = [self.person() for _ in COMMITTEE_ROLES]
        for person_id, role in zip(committee, COMMITTEE_ROLES, strict=True):
            self.add(CommitteeMember, group_id=group_id, person_id=person_id, role=role)
        for k in range(participants):
            self.participant(exam_id, group_id, k, assessed=assessed)
        protocol = self.add(
            Protocol,
            exam_id=exam_id,
            group_id=group_id,
            kind=ProtocolKind.ASSESSMENT,
            number=None,
            date=date(2025, 5, 21) + timedelta(days=index),
            status=ProtocolStatus.SIGNED,
        )
        for person_id, role in zip(committee, COMMITTEE_ROLES, strict=True):
            self.signature(protocol, person_id, role.value)
        return committee[0]

    def participant(self, exam_id: int, group_id: int, k: int, *, assessed: bool) -> None:
        kind = (
            ParticipantKind.WORK_WORLD_APPLICANT
            if k % 9 == 8
            else ParticipantKind.RETAKER
            if k % 7 == 6
            else ParticipantKind.GRADUATE
        )
        funding = None if kind is ParticipantKind.WORK_WORLD_APPLICANT else list(FundingCode)[k % 4]
        result = score = None
        if assessed:
            result = [ParticipantResult.PASSED, ParticipantResult.FAILED][k % 5 == 4]
            score = 40 + (k * 13) % 60
            if k % 11 == 10:
                result, score = ParticipantResult.ABSENT, None
        self.add(
            Participant,
            exam_id=exam_id,
            group_id=group_id,
            person_id=self.person(),
            kind=kind,
            course=None if kind is ParticipantKind.WORK_WORLD_APPLICANT else 3,
            funding_code=funding,
            special_needs=k % 6 == 5,
            result=result,
            score=score,
        )

    def signature(self, protocol_id: int, signer_id: int, role: str) -> None:
        self.add(
            Signature,
            protocol_id=protocol_id,
            signer_id=signer_id,
            signer_role=role,
            method=list(SignatureMethod)[signer_id % 4],
            signed_at=self.signed_at(),
            certificate_subject=f"CN=signer {signer_id},C=EE",
            certificate_serial=f"{signer_id:08x}",
        )

    def full_exam(
        self, ctx: dict[str, int], *, groups: int, participants: int, mark: str, n: int
    ) -> int:
        status = ExamStatus.COMPLETED if n % 2 == 0 else ExamStatus.ACCEPTED
        exam_id = self.exam(ctx, status=status, mark=mark, n=n)
        chairs = [
            self.group(exam_id, index=i, participants=participants, assessed=n % 2 == 0)
            for i in range(groups)
        ]
        commission = self.add(
            Protocol,
            exam_id=exam_id,
            group_id=None,
            kind=ProtocolKind.COMMISSION,
            number=f"KP-80000001-2025-{n + 1}",
            date=date(2025, 6, 1),
            status=ProtocolStatus.SIGNED,
        )
        if chairs:
            self.signature(commission, chairs[0], "CHAIR")
        return exam_id


async def generate(sizes: Sizes, *, postgres: bool) -> Handles:
    """Insert the data set into an empty, migrated database."""
    b = _Builder()
    body = b.add(
        Organisation, kind=OrganisationKind.AWARDING_BODY, code="80000001", name="Kutsekoda"
    )
    school = b.add(Organisation, kind=OrganisationKind.SCHOOL, code="7001", name="Bench Kool")
    standard = b.add(
        Standard,
        code="S1",
        version=1,
        name="Keevitaja, tase 4",
        occupational_area="Keevitus",
        ekr_level=4,
        eqf_level=4,
        valid_from=date(2024, 1, 1),
        valid_until=date(2029, 12, 31),
    )
    for name in ("Käsikaarkeevitaja", "MIG/MAG keevitaja", "TIG keevitaja"):
        b.add(PartialQualification, standard_id=standard, name=name)
    b.add(StandardAwardingBody, standard_id=standard, awarding_body_id=body)
    curriculum = b.add(
        Curriculum,
        school_id=school,
        ehis_code="100001",
        name="Keevitaja",
        level_type_code="441",
        level_type_name="Neljanda taseme kutseõppe esmaõpe",
        nominal_years=3,
        registered_on=date(2020, 10, 2),
    )
    b.add(CurriculumStandard, curriculum_id=curriculum, standard_id=standard)
    user = b.person()
    b.add(RoleAssignment, person_id=user, role=Role.SCHOOL, organisation_id=school)
    ctx = {"body": body, "school": school, "standard": standard, "curriculum": curriculum}
    ctx["user"] = user
    page = b.full_exam(
        ctx, groups=sizes.groups, participants=sizes.participants, mark=PAGE_MARK, n=0
    )
    for n in range(1, sizes.list_exams + 1):
        b.full_exam(
            ctx, groups=sizes.list_groups, participants=sizes.list_participants, mark=LIST_MARK, n=n
        )
    for model, rows in b.rows.items():  # insertion order respects the foreign keys
        await model.bulk_create(rows, batch_size=1000)
    if postgres:
        await settle()
    return Handles(page, school, user, await count_rows())


async def find(postgres: bool) -> Handles:
    """The handles of a data set generated earlier (`--reuse`)."""
    page = await Exam.filter(comment=PAGE_MARK).first().values("id", "school_id")
    if page is None:
        raise SystemExit("no benchmark data in this database: run without --reuse")
    user = (
        await RoleAssignment.filter(role=Role.SCHOOL, organisation_id=page["school_id"])
        .first()
        .values("person_id")
    )
    return Handles(page["id"], page["school_id"], user["person_id"], await count_rows())


async def count_rows() -> dict[str, int]:
    models = [Exam, ExamGroup, Participant, Person, CommitteeMember, Protocol, Signature]
    return {m._meta.db_table: await m.all().count() for m in models}
