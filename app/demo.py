"""Realistic, deterministic demo data: schools, awarding bodies, standards, curricula, students,
staff with every role, and exams in every state of their lifecycle.

The static catalogue (names, EHIS and registry codes, standards, curricula, exam shapes) lives in
`demo_data.json` and follows the seeds (000: schools, standards, curricula; 003: the builders'
scoring scheme; 004: no exams on Sundays or public holidays). Everything that depends on time is
an offset from `today`, so the data stays sensible in any year: the IT standard's version 6 is
still valid, "Abikokk, tase 3" version 4 has expired but may still be awarded, exams lie before
and after `today`. Random choices use a fixed seed, so two loads give identical rows.

`load_demo_data()` fills an empty database in one transaction; `DEMO_USERS` lists the people who
can sign in, with a hint of what to try.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import logging
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from app.demo_appeals import add_demo_appeals
from app.demo_documents import sign_demo_protocols
from models.audit import AuditEvent
from models.certificate import Certificate, RegisterCounter
from models.compensation import CompensationRate
from models.counters import CERTIFICATES
from models.curriculum import Curriculum, CurriculumStandard, final_course
from models.enums import (
    CertificateKind,
    CommitteeRole,
    ExamStatus,
    ExamType,
    FundingCode,
    OrganisationKind,
    ParticipantKind,
    ParticipantResult,
    ProtocolKind,
    ProtocolStatus,
    Role,
    SignatureMethod,
)
from models.exam import Exam, ScoringScheme
from models.group import CommitteeMember, ExamGroup
from models.notification import Notification
from models.organisation import Organisation
from models.participant import Participant
from models.person import Person, RoleAssignment
from models.personal_code import make_personal_code
from models.protocol import Protocol, ProtocolNumberSequence, Signature
from models.standard import PartialQualification, Specialisation, Standard, StandardAwardingBody
from models.student import Student
from models.workflow.signing import SigningSetup

logger = logging.getLogger(__name__)

SEED = 2023
TALLINN = ZoneInfo("Europe/Tallinn")
CATALOGUE: dict[str, Any] = json.loads(
    Path(__file__).with_name("demo_data.json").read_text(encoding="utf-8")
)
SCHOOLS: dict[str, dict[str, Any]] = {s["name"]: s for s in CATALOGUE["schools"]}
FIRST_REGISTER_NUMBER = 163_436  # seed 000: 163 435 certificates issued so far
ASSESSORS_PER_BODY = 4
DAY = dt.timedelta(days=1)
STATE_PATH = [ExamStatus(s) for s in ("DRAFT", "SUBMITTED", "ACCEPTED", "ASSESSED", "COMPLETED")]
STANDARD_FIELDS = """code version name name_en field_of_activity occupational_area occupation_group
    ekr_level isco isced emtak changes""".split()
STAMPS = [
    ("submitted_at", "submitted"),
    ("accepted_at", "decided"),
    ("assessed_at", "assessed"),
    ("completed_at", "completed"),
]  # exam timestamps, in the order the states are reached
CURRICULUM_FIELDS = ("ehis_code", "name", "level_type_code", "nominal_years", "nominal_months")
Row = dict[str, Any]  # a planned person (and enrolment) before it is inserted


@dataclass(frozen=True)
class DemoUser:
    personal_code: str
    first_name: str
    last_name: str
    role: Role
    organisation_code: str | None
    organisation_name: str | None
    note: str


def _demo_users() -> tuple[DemoUser, ...]:
    codes = {org["name"]: org["code"] for org in CATALOGUE["schools"] + CATALOGUE["bodies"]}
    return tuple(
        DemoUser(p["code"], p["first"], p["last"], Role(role), codes.get(org), org, note)
        for p in CATALOGUE["people"]
        for role, org, note in p["roles"]
    )


DEMO_USERS: tuple[DemoUser, ...] = _demo_users()


def add_months(day: dt.date, months: int) -> dt.date:
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def ascii_slug(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


async def load_demo_data(
    signing: SigningSetup | None = None, *, today: dt.date | None = None
) -> bool:
    """Insert the demo data set unless the database already has organisations.

    With `signing`, every demo protocol gets its real PDF, signed by its designated people
    with their development keys, and every completed exam its school's sealed extract;
    without, the protocols are rows only (fast, for tests that do not look at documents).
    """
    async with in_transaction() as conn:
        if await Organisation.all().using_db(conn).exists():
            return False
        loader = _Loader(conn, today or dt.datetime.now(TALLINN).date(), signing)
        await loader.load()
        if signing is not None:
            await sign_demo_protocols(conn, signing, loader.to_sign)
        await add_demo_appeals(conn, signing, loader.today)
    return True


class _Loader:
    def __init__(
        self, db: BaseDBAsyncClient, today: dt.date, signing: SigningSetup | None = None
    ) -> None:
        self.db, self.today, self.rng = db, today, random.Random(SEED)
        self.signing = signing
        # Protocols to render and sign after the rows are in: who signs, in order.
        self.to_sign: dict[int, list[tuple[int, str]]] = {}
        self.holidays = holidays.country_holidays("EE", years=range(today.year - 3, today.year + 3))
        self.upcoming = self.working_day(today + 120 * DAY)  # the next graduation
        self.taken = {p["code"] for p in CATALOGUE["people"]}
        self.orgs: dict[str, Organisation] = {}
        self.standards: dict[tuple[str, int], Standard] = {}
        self.pqs: dict[int, list[PartialQualification]] = {}
        self.curricula: dict[str, tuple[Curriculum, list[Standard]]] = {}
        self.schemes: dict[str, ScoringScheme] = {}
        self.people: list[Row] = []  # everyone to insert: staff, students, applicants
        self.staff: dict[tuple[Role, str | None], list[Row]] = {}
        self.pool: dict[str, list[Row]] = {}  # eligible final-course students per curriculum
        self.sequences: dict[tuple[int, int], int] = {}
        self.register_number = FIRST_REGISTER_NUMBER
        self.rows: dict[type, list[Any]] = {}  # rows for bulk_create, by model

    def working_day(self, day: dt.date, step: int = 1) -> dt.date:
        """Seed 004: no exams on Sundays or public holidays (nor, here, on Saturdays)."""
        while day.weekday() >= 5 or day in self.holidays:
            day += step * DAY
        return day

    def add(self, row: Any) -> None:
        self.rows.setdefault(type(row), []).append(row)

    async def flush(self, *models: type[Model]) -> None:
        for model in models:
            await model.bulk_create(self.rows.pop(model, []), using_db=self.db)

    async def load(self) -> None:
        await self.catalogue()
        self.plan_staff()
        for code in self.curricula:
            self.plan_students(code)
        exams = [self.plan_exam(spec) for spec in CATALOGUE["exams"]]
        await self.insert_people()
        for spec in exams:
            await self.exam(spec)
        for (body_id, year), last in self.sequences.items():
            self.add(ProtocolNumberSequence(awarding_body_id=body_id, year=year, last_number=last))
        self.add(RegisterCounter(name=CERTIFICATES, last_value=self.register_number - 1))
        await self.flush(Participant, CommitteeMember, Signature, Certificate)
        await self.flush(ProtocolNumberSequence, RegisterCounter, AuditEvent, Notification)
        students = sum("enrol" in p for p in self.people)
        logger.info("demo data loaded: %d students, %d exams", students, len(exams))

    # --- catalogue: organisations, standards, curricula, scoring schemes ----------------------

    async def catalogue(self) -> None:
        orgs = [(OrganisationKind.REGISTRY, CATALOGUE["registry"])]
        orgs += [(OrganisationKind.SCHOOL, s) for s in CATALOGUE["schools"]]
        orgs += [(OrganisationKind.AWARDING_BODY, b) for b in CATALOGUE["bodies"]]
        for kind, org in orgs:
            email = org.get("email") or f"info@{org['slug']}.example"
            self.orgs[org["name"]] = await Organisation.create(
                kind=kind, code=org["code"], name=org["name"], email=email, using_db=self.db
            )
        for s in CATALOGUE["standards"]:
            start = self.today - s["age"] * DAY
            allowed = self.today + s["allowed"] * DAY if "allowed" in s else None
            standard = await Standard.create(
                **{key: s.get(key) for key in STANDARD_FIELDS},
                eqf_level=s["ekr_level"],
                valid_from=start,
                valid_until=add_months(start, 60) - DAY,
                awarding_allowed_until=allowed,
                using_db=self.db,
            )
            self.standards[(s["name"], s["version"])] = standard
            self.pqs[standard.id] = [
                await PartialQualification.create(standard=standard, name=n, using_db=self.db)
                for n in s.get("pq", [])
            ]
            for name in s.get("spec", []):
                self.add(Specialisation(standard=standard, name=name))
            for body in s["bodies"]:
                self.add(StandardAwardingBody(standard=standard, awarding_body=self.orgs[body]))
        for c in CATALOGUE["curricula"]:
            linked = [self.standards[(name, version)] for name, version in c["standards"]]
            curriculum = await Curriculum.create(
                **{key: c[key] for key in CURRICULUM_FIELDS},
                school=self.orgs[c["school"]],
                level_type_name=CATALOGUE["level_types"][c["level_type_code"]],
                registered_on=dt.date.fromisoformat(c["registered_on"]),
                compound=len({s.code for s in linked}) > 1,
                curriculum_group=c.get("group"),
                using_db=self.db,
            )
            self.curricula[c["ehis_code"]] = (curriculum, linked)
            for standard in linked:
                self.add(CurriculumStandard(curriculum=curriculum, standard=standard))
        for key, s in CATALOGUE["schemes"].items():
            body = self.orgs[s["body"]] if s["body"] else None
            fields = {k: v for k, v in s.items() if k != "body"}
            self.schemes[key] = await ScoringScheme.create(
                **fields, awarding_body=body, using_db=self.db
            )
        for r in CATALOGUE["rates"]:  # compensation ceilings (cents per state-funded sitter)
            self.add(
                CompensationRate(
                    curriculum_group=r["group"],
                    exam_type=ExamType(r["type"]),
                    valid_from=dt.date.fromisoformat(r["from"]),
                    amount_cents=r["cents"],
                    basis=r["basis"],
                )
            )
        await self.flush(Specialisation, StandardAwardingBody, CurriculumStandard, CompensationRate)

    # --- people: staff with roles, students, applicants ---------------------------------------

    def person(self, born_year: int, *, russian: bool = False, **extra: Any) -> Row:
        """A new person with a valid, unique personal code and an Estonian (or Russian) name."""
        names, rng = CATALOGUE["names"], self.rng
        female = rng.random() < 0.45
        if russian and rng.random() < 0.8:
            first = rng.choice(names["ru_female" if female else "ru_male"])
            last = rng.choice(names["ru_surnames"])[female]
        else:
            first = rng.choice(names["female" if female else "male"])
            last = rng.choice(names["surnames"])
        born = dt.date(born_year, rng.randint(1, 12), rng.randint(1, 28))
        code = ""
        while not code or code in self.taken:
            code = make_personal_code(born, rng.randint(1, 999), female=female)
        self.taken.add(code)
        row = {"code": code, "first": first, "last": last, **extra}
        self.people.append(row)
        return row

    def plan_staff(self) -> None:
        for p in CATALOGUE["people"]:
            row = {"code": p["code"], "first": p["first"], "last": p["last"], "staff": True}
            self.people.append(row)
            for role, org, _note in p["roles"]:
                self.staff.setdefault((Role(role), org), []).append(row)
        wanted = [(Role.SCHOOL, s["name"], 1) for s in CATALOGUE["schools"]]
        for b in CATALOGUE["bodies"]:
            wanted += [(Role.AWARDING_BODY, b["name"], 1), (Role.COMMISSION_CHAIR, b["name"], 1)]
            wanted.append((Role.ASSESSOR, b["name"], ASSESSORS_PER_BODY))
        for role, org, count in wanted:
            holders = self.staff.setdefault((role, org), [])
            while len(holders) < count:
                holders.append(self.person(self.rng.randint(1962, 1992), staff=True))

    def plan_students(self, code: str) -> None:
        """Final-course students (the pool exams draw on), earlier courses, over-time students
        (nominal end within the last year) and some whose studies ended too long ago."""
        cur = self.curricula[code][0]
        last = final_course(cur.nominal_years, cur.nominal_months)
        size = next(c.get("final", 6) for c in CATALOGUE["curricula"] if c["ehis_code"] == code)
        self.pool[code] = [self.student(cur, last, self.upcoming) for _ in range(size)]
        for _ in range(2 if last > 1 else 0):
            course = self.rng.randint(1, last - 1)
            ends = add_months(self.upcoming, 12 * (last - course))
            self.student(cur, course, ends, newest=True)
        self.student(cur, last + 1, self.today - self.rng.randint(30, 330) * DAY)
        ended = self.today - self.rng.randint(420, 800) * DAY
        self.student(cur, last + 1, ended, ended_on=ended)

    def student(
        self,
        cur: Curriculum,
        course: int,
        ends: dt.date,
        *,
        newest: bool = False,
        ended_on: dt.date | None = None,
        standard: Standard | None = None,
    ) -> Row:
        """A student; earlier courses study under the newest version of the standard."""
        linked = self.curricula[cur.ehis_code][1]
        if standard is None:
            versions = [s for s in linked if s.code == linked[0].code]
            standard = max(versions, key=lambda s: s.version) if newest else versions[0]
        started = add_months(ends, -(12 * cur.nominal_years + cur.nominal_months)) + 2 * DAY
        age = self.rng.randint(15, 17) if cur.level_type_code == "441" else self.rng.randint(17, 45)
        funding = FundingCode(self.rng.choices("RZMT", weights=(60, 12, 18, 10))[0])
        enrol = {
            "curriculum": cur,
            "standard": standard,
            "course": course,
            "funding_code": funding,
            "special_needs": self.rng.random() < 0.05,
            "started_on": started,
            "ends_on": ends,
            "studies_ended_on": ended_on,
        }
        russian = SCHOOLS[cur.school.name].get("ru", False)
        enrol["language"] = "ru" if russian else "et"
        born = min(2008, max(1975, started.year - age))
        return self.person(born, russian=russian, enrol=enrol)

    async def insert_people(self) -> None:
        persons = []
        for p in self.people:
            email = f"{ascii_slug(p['first'])}.{ascii_slug(p['last'])}@demo.example"
            persons.append(
                Person(
                    personal_code=p["code"],
                    first_name=p["first"],
                    last_name=p["last"],
                    email=email if p.get("staff") else None,
                )
            )
        await Person.bulk_create(persons, using_db=self.db)
        ids = dict(await Person.all().using_db(self.db).values_list("personal_code", "id"))
        for p in self.people:
            p["id"] = ids[p["code"]]
        for (role, org), holders in self.staff.items():
            organisation = self.orgs[org] if org else None
            for p in holders:
                self.add(RoleAssignment(person_id=p["id"], role=role, organisation=organisation))
        students = [p for p in self.people if "enrol" in p]
        for p in students:
            self.add(Student(person_id=p["id"], **p["enrol"]))
        await self.flush(RoleAssignment, Student)
        ids = dict(await Student.all().using_db(self.db).values_list("person_id", "id"))
        for p in students:
            p["student_id"] = ids[p["id"]]

    # --- exams, groups, committees, participants, protocols, certificates ---------------------

    def plan_exam(self, spec: Row) -> Row:
        """Choose the participants before anyone is inserted (HEV flags live on students)."""
        cur = self.curricula[spec["curriculum"]][0]
        standard = self.standards[tuple(spec["standard"])]
        needed = sum(g["n"] for g in spec["groups"])
        if "graduation" in spec:  # a past exam: its own cohort, graduating on the exam's date
            graduation = self.working_day(self.today + spec["graduation"] * DAY)
            ended = graduation if graduation <= self.today else None
            last = final_course(cur.nominal_years, cur.nominal_months)
            chosen = [
                self.student(cur, last, graduation, ended_on=ended, standard=standard)
                for _ in range(needed)
            ]
        else:
            graduation, pool = self.upcoming, self.pool[spec["curriculum"]]
            chosen, pool[:] = pool[:needed], pool[needed:]
        if spec.get("hev"):
            chosen[0]["enrol"]["special_needs"] = True
        queue = [(ParticipantKind.GRADUATE, p) for p in chosen]
        for _ in range(spec.get("work_world", 0)):
            applicant = self.person(self.rng.randint(1975, 1995))
            queue.append((ParticipantKind.WORK_WORLD_APPLICANT, applicant))
        long_ago = self.today - 365 * DAY
        retakers = [
            p
            for p in self.people
            if p.get("enrol", {}).get("curriculum") is cur
            and (p["enrol"]["studies_ended_on"] or self.today) < long_ago
        ]
        queue += [(ParticipantKind.RETAKER, p) for p in retakers[: spec.get("retaker", 0)]]
        return {**spec, "cur": cur, "std": standard, "graduation": graduation, "queue": queue}

    def timeline(self, first_day: dt.date) -> dict[str, dt.datetime]:
        if first_day > self.today:
            created = self.today - 25 * DAY
            return {
                "created": at(created, 9),
                "submitted": at(created + 4 * DAY, 14),
                "decided": at(created + 9 * DAY, 11),
            }
        return {
            "created": at(first_day - 50 * DAY, 9),
            "submitted": at(first_day - 40 * DAY, 14),
            "decided": at(first_day - 30 * DAY, 11),
            "assessed": at(first_day + 3 * DAY, 16),
            "completed": at(first_day + 8 * DAY, 12),
        }

    async def exam(self, spec: Row) -> None:
        cur, standard, status = spec["cur"], spec["std"], ExamStatus(spec["status"])
        school, body, queue = cur.school, self.orgs[spec["body"]], spec["queue"]
        responsible = self.staff[(Role.SCHOOL, school.name)][0]
        days = [
            self.working_day(self.today + g["day"] * DAY, -1 if g["day"] < 0 else 1)
            if "day" in g
            else None
            for g in spec["groups"]
        ]
        t = self.timeline(min((d for d in days if d), default=self.today + DAY))
        reached = STATE_PATH.index(status) if status in STATE_PATH else 1  # RETURNED: submitted
        comment = spec.get("comment")
        hev = any(p.get("enrol", {}).get("special_needs") for _, p in queue)
        if reached and hev and not comment:  # seed 000: HEV participants need a comment
            comment = "Osalejal on hariduslik erivajadus (HEV): palume eraldi ruumi ja lisaaega."
        exam = await Exam.create(
            school=school,
            awarding_body=body,
            curriculum=cur,
            standard=standard,
            status=status,
            exam_type=ExamType(spec.get("exam_type", ExamType.COMBINED)),
            scoring_scheme=self.schemes.get(spec.get("scheme", "")),
            comment=comment,
            graduation_date=spec["graduation"],
            language=spec.get("language", "et"),
            final_course=final_course(cur.nominal_years, cur.nominal_months),
            responsible_id=responsible["id"],
            created_by_id=responsible["id"],
            return_reason=spec.get("return_reason"),
            version=1 + reached,
            created_at=t["created"],
            **{field: t[key] for field, key in STAMPS[:reached]},
            using_db=self.db,
        )
        self.audit(exam, t, responsible)
        results = [ParticipantResult.ABSENT, ParticipantResult.FAILED]
        results.append(ParticipantResult.PARTIALLY_PASSED)
        results += self.rng.choices(
            list(ParticipantResult), (75, 10, 10, 5), k=max(0, len(queue) - 3)
        )
        self.rng.shuffle(results)
        scheme = self.schemes[spec.get("scheme", "general")]
        chair = self.staff[(Role.COMMISSION_CHAIR, body.name)][0]
        commission = await self.commission_protocol(exam, chair, t) if reached >= 4 else None
        assessors = self.staff[(Role.ASSESSOR, body.name)]
        address = f"{school.name}, {SCHOOLS[school.name]['address']}"
        for index, (g, day) in enumerate(zip(spec["groups"], days, strict=True)):
            size = g["n"] if index < len(days) - 1 else len(queue)  # extras join the last group
            people, queue = queue[:size], queue[size:]
            same_day = index > 0 and day == days[index - 1]
            group = await ExamGroup.create(
                exam=exam,
                name=f"{standard.name} (G{index + 1})",
                limit=size + 2,
                language=exam.language,
                date=day,
                time=dt.time(13 if same_day else 9) if day else None,
                place=", ".join([address] + ([g["place"]] if "place" in g else []))
                if day
                else None,
                room=g.get("room") if day else None,
                using_db=self.db,
            )
            committee = []
            for k, role in enumerate(list(CommitteeRole)[:3] if reached >= 2 and day else []):
                member = assessors[(3 * index + k) % len(assessors)]
                committee.append((member, role))
                self.add(CommitteeMember(group=group, person_id=member["id"], role=role))
            for kind, person in people:
                result = results.pop() if reached >= 3 else None
                self.participant(exam, group, kind, person, result, scheme, commission)
            if reached >= 3 and day:
                protocol = await Protocol.create(
                    exam=exam,
                    group=group,
                    kind=ProtocolKind.ASSESSMENT,
                    date=day,
                    status=ProtocolStatus.SIGNED,
                    created_at=at(day, 15),
                    using_db=self.db,
                )
                for member, role in committee:
                    self.signature(protocol, member, role.value, at(day + DAY, 15))

    async def commission_protocol(
        self, exam: Exam, chair: Row, t: dict[str, dt.datetime]
    ) -> Protocol:
        """The commission protocol, numbered KP-<registry code>-<year>-<n> without gaps."""
        day, body = t["completed"].date(), exam.awarding_body
        key = (body.id, day.year)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        protocol = await Protocol.create(
            exam=exam,
            kind=ProtocolKind.COMMISSION,
            date=day,
            status=ProtocolStatus.SIGNED,
            number=f"KP-{body.code}-{day.year}-{self.sequences[key]}",
            chair_id=chair["id"],
            created_at=t["assessed"],
            using_db=self.db,
        )
        self.signature(protocol, chair, Role.COMMISSION_CHAIR.value, t["completed"])
        return protocol

    def signature(self, protocol: Protocol, signer: Row, role: str, when: dt.datetime) -> None:
        if self.signing is not None:  # signed for real once the rows are in
            self.to_sign.setdefault(protocol.id, []).append((signer["id"], role))
            return
        code, first, last = signer["code"], signer["first"].upper(), signer["last"].upper()
        self.add(
            Signature(
                protocol=protocol,
                signer_id=signer["id"],
                signer_role=role,
                signed_at=when,
                method=SignatureMethod.SERVER_KEY,
                timestamp_at=when,
                certificate_subject=f"CN={last},{first},{code},SERIALNUMBER=PNOEE-{code},C=EE",
                certificate_serial=f"{self.rng.getrandbits(64):016x}",
            )
        )

    def participant(
        self,
        exam: Exam,
        group: ExamGroup,
        kind: ParticipantKind,
        person: Row,
        result: ParticipantResult | None,
        scheme: ScoringScheme,
        commission: Protocol | None,
    ) -> None:
        """A participant with course, funding and HEV copied from the student, and results."""
        score, scores = self.scores(scheme, result)
        awarded, partial = None, None
        if commission is not None:
            pqs = self.pqs[exam.standard.id]
            if result is ParticipantResult.PARTIALLY_PASSED and pqs:
                partial = self.rng.choice(pqs)
            awarded = result is ParticipantResult.PASSED or partial is not None
            if awarded:
                self.certificate(kind, person, exam, partial, commission)
        enrol = person.get("enrol", {})
        self.add(
            Participant(
                exam=exam,
                group=group,
                person_id=person["id"],
                kind=kind,
                student_id=person.get("student_id"),
                course=enrol.get("course"),
                funding_code=enrol["funding_code"] if kind is ParticipantKind.GRADUATE else None,
                special_needs=enrol.get("special_needs", False),
                language=group.language if group is not None else exam.language,
                result=result,
                score=score,
                scores=scores,
                awarded=awarded,
                partial_qualification=partial,
                absence_reason="Ei ilmunud, mõjuvat põhjust ei esitanud"
                if result is ParticipantResult.ABSENT
                else None,
                created_at=exam.created_at,
            )
        )

    def scores(self, scheme: ScoringScheme, result: ParticipantResult | None) -> tuple[Any, Any]:
        """A total within the result's band, split over the scheme's parts (seed 003)."""
        if result is None or result is ParticipantResult.ABSENT:
            return None, None
        parts: list[dict[str, Any]] = list(scheme.parts)
        top = sum(p["max"] for p in parts)
        low = scheme.partial_pass_mark or scheme.pass_mark
        lo, hi = {
            ParticipantResult.PASSED: (scheme.pass_mark, top),
            ParticipantResult.PARTIALLY_PASSED: (low, scheme.pass_mark - 1),
            ParticipantResult.FAILED: (max(0, low - 25), low - 1),
        }[result]
        total = self.rng.randint(lo, hi)
        share = [min(1.0, max(0.0, total / top + self.rng.uniform(-0.15, 0.15))) for _ in parts]
        scores = {p["code"]: round(p["max"] * f) for p, f in zip(parts, share, strict=True)}
        while (gap := total - sum(scores.values())) != 0:  # nudge parts until the sum fits
            step = 1 if gap > 0 else -1
            part = self.rng.choice([p for p in parts if 0 <= scores[p["code"]] + step <= p["max"]])
            scores[part["code"]] += step
        return total, scores

    def certificate(
        self,
        kind: ParticipantKind,
        person: Row,
        exam: Exam,
        partial: PartialQualification | None,
        commission: Protocol,
    ) -> None:
        self.add(
            Certificate(
                register_number=self.register_number,
                person_id=person["id"],
                standard=exam.standard,
                kind=CertificateKind.PARTIAL_CERTIFICATE
                if partial
                else CertificateKind.CERTIFICATE,
                partial_qualification=partial,
                awarding_body=exam.awarding_body,
                protocol=commission,
                ekr_level=exam.standard.ekr_level,
                valid_from=commission.date,
                valid_until=add_months(commission.date, 60) - DAY,
                issued_at=exam.completed_at,
                on_school_leaving_document=kind is ParticipantKind.GRADUATE,
            )
        )
        self.register_number += 1

    def audit(self, exam: Exam, t: dict[str, dt.datetime], school_user: Row) -> None:
        """The audit trail of the exam's state changes, and the school's notifications."""
        status, name = ExamStatus(exam.status), exam.awarding_body.name
        body_user = self.staff[(Role.AWARDING_BODY, name)][0]
        chair = self.staff[(Role.COMMISSION_CHAIR, name)][0]
        transitions = [
            ("exam.submit", ExamStatus.SUBMITTED, school_user, Role.SCHOOL, "submitted"),
            ("exam.accept", ExamStatus.ACCEPTED, body_user, Role.AWARDING_BODY, "decided"),
            ("exam.assess", ExamStatus.ASSESSED, body_user, Role.AWARDING_BODY, "assessed"),
            ("exam.complete", ExamStatus.COMPLETED, chair, Role.COMMISSION_CHAIR, "completed"),
        ]
        if status is ExamStatus.RETURNED:
            transitions[1] = ("exam.return", status, body_user, Role.AWARDING_BODY, "decided")
        steps: list[tuple[str, ExamStatus | None, ExamStatus, Row, Role, str]] = [
            ("exam.create", None, ExamStatus.DRAFT, school_user, Role.SCHOOL, "created")
        ]
        reached = STATE_PATH.index(status) if status in STATE_PATH else 2  # RETURNED: 2 steps
        for action, after, actor, role, when in transitions[:reached]:
            steps.append((action, steps[-1][2], after, actor, role, when))
        for action, before, after, actor, role, when in steps:
            extra = {"return_reason": exam.return_reason} if action == "exam.return" else {}
            self.add(
                AuditEvent(
                    exam=exam,
                    actor_id=actor["id"],
                    actor_role=role,
                    action=action,
                    entity="exam",
                    entity_id=exam.id,
                    before={"status": before.value} if before else None,
                    after={"status": after.value, **extra},
                    created_at=t[when],
                )
            )
        notices = {
            ExamStatus.RETURNED: ("Kutse andja tagastas eksami", f"Põhjus: {exam.return_reason}"),
            ExamStatus.ASSESSED: (
                "Eksam on hinnatud",
                "Kõik hindamisprotokollid on allkirjastatud.",
            ),
            ExamStatus.COMPLETED: (
                "Eksam on lõpetatud",
                "Kutsekomisjoni protokoll on allkirjastatud.",
            ),
        }
        if status in notices:
            subject, text = notices[status]
            when = steps[-1][5]
            self.add(
                Notification(
                    recipient_id=school_user["id"],
                    exam=exam,
                    kind=f"exam.{status.value.lower()}",
                    subject=f"{subject}: {exam.standard.name}",
                    body=text,
                    link=f"/eksamid/{exam.id}",
                    read_at=t[when] + 2 * DAY if status is ExamStatus.COMPLETED else None,
                    created_at=t[when],
                )
            )
