"""The demo data set: loads once, follows the seeds and covers every role and exam state."""

from __future__ import annotations

import datetime as dt

import holidays
from stdnum.ee import registrikood

from app.demo import DEMO_USERS, load_demo_data
from models.access import Viewer
from models.certificate import Certificate
from models.clock import today
from models.curriculum import Curriculum, CurriculumStandard, final_course
from models.enums import (
    ExamStatus,
    FundingCode,
    OrganisationKind,
    ParticipantKind,
    ParticipantResult,
    ProtocolKind,
    Role,
    StandardStatus,
)
from models.exam import Exam
from models.group import CommitteeMember, ExamGroup
from models.organisation import Organisation
from models.participant import Participant
from models.person import Person, RoleAssignment
from models.personal_code import is_valid_personal_code
from models.protocol import Protocol, ProtocolNumberSequence
from models.standard import Standard
from models.student import Student
from models.workflow.exam import accept_exam, submit_exam

TODAY = dt.date(2026, 11, 21)
SEED_EHIS_CODES = set(
    "130237 222203 134754 189158 137778 163137 130064 215252 151775 130057 139138".split()
)
COUNTED = (
    Organisation,
    Person,
    RoleAssignment,
    Standard,
    Curriculum,
    Student,
    Exam,
    Participant,
    Protocol,
    Certificate,
)


async def _counts() -> dict[str, int]:
    return {model.__name__: await model.all().count() for model in COUNTED}


async def test_loads_once_and_is_idempotent(empty_db: str) -> None:
    # given an empty database
    # when the demo data is loaded twice
    first = await load_demo_data(today=TODAY)
    counts = await _counts()
    second = await load_demo_data(today=TODAY)

    # then only the first load inserts, and nothing is duplicated
    assert first is True
    assert second is False
    assert await _counts() == counts
    assert counts["Student"] >= 300


async def test_organisations_follow_the_seeds(empty_db: str) -> None:
    # given the demo data
    await load_demo_data(today=TODAY)

    # when the organisations are read
    schools = await Organisation.filter(kind=OrganisationKind.SCHOOL)
    bodies = await Organisation.filter(kind=OrganisationKind.AWARDING_BODY)

    # then there are the seed's schools, and bodies with valid registry codes (seed 000's one too)
    names = {school.name for school in schools}
    assert len(schools) >= 6
    assert {
        "Tartu Kutsehariduskeskus",
        "Tallinna Teeninduskool",
        "Haapsalu Kutsehariduskeskus",
    } <= names
    assert all(school.email for school in schools)
    assert all(registrikood.is_valid(body.code) for body in bodies)
    assert "80253652" in {body.code for body in bodies}
    assert await Organisation.filter(kind=OrganisationKind.REGISTRY).count() == 1


async def test_standards_and_curricula(empty_db: str) -> None:
    # given the demo data
    await load_demo_data(today=TODAY)

    # when standards and curricula are read
    standards = await Standard.all().prefetch_related(
        "partial_qualifications", "awarding_body_links", "curriculum_links"
    )
    codes = set(await Curriculum.all().values_list("ehis_code", flat=True))

    # then the IT standard (v6 and v7 valid) has exactly its three partial qualifications
    assert len({s.code for s in standards}) >= 12
    it = [s for s in standards if s.name == "IT-süsteemide nooremspetsialist, tase 4"]
    assert sorted(s.version for s in it) == [6, 7]
    assert all(s.status_on(TODAY) is StandardStatus.VALID for s in it)
    for standard in it:
        assert sorted(pq.name for pq in standard.partial_qualifications) == [
            "IT-haldustehnik, tase 4",
            "IT-tehnik, tase 4",
            "Kasutajatoe tehnik, tase 4",
        ]
    # and an expired standard may still be awarded and stays linked to curricula
    expired = [s for s in standards if s.status_on(TODAY) is StandardStatus.EXPIRED]
    assert expired
    assert all(s.awarding_allowed_until and s.awarding_allowed_until > TODAY for s in expired)
    assert all(s.curriculum_links for s in expired)
    assert all(s.awarding_body_links for s in standards)
    assert all(s.ekr_level == s.eqf_level and s.isco and len(s.isco) == 4 for s in standards)
    # and the seed's EHIS codes exist, every school has a curriculum linked to a standard
    assert SEED_EHIS_CODES <= codes
    school_ids = set(
        await Organisation.filter(kind=OrganisationKind.SCHOOL).values_list("id", flat=True)
    )
    assert set(await Curriculum.all().values_list("school_id", flat=True)) == school_ids
    linked = set(await CurriculumStandard.all().values_list("curriculum_id", flat=True))
    assert linked == set(await Curriculum.all().values_list("id", flat=True))


async def test_students(empty_db: str) -> None:
    # given the demo data
    await load_demo_data(today=TODAY)

    # when the students are read
    students = await Student.all().select_related("person", "curriculum")

    # then there are 300+ with valid, unique personal codes and plausible birth years
    codes = [s.person.personal_code for s in students]
    assert len(students) >= 300
    assert all(is_valid_personal_code(code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert all(1975 <= _birth_year(code) <= 2008 for code in codes)
    # and every funding code, final-course, over-time, ended and HEV students exist
    assert {s.funding_code for s in students} == set(FundingCode)
    last = {
        s.id: final_course(s.curriculum.nominal_years, s.curriculum.nominal_months)
        for s in students
    }
    year_ago = TODAY - dt.timedelta(days=365)
    assert sum(s.course == last[s.id] for s in students) > len(students) / 2
    assert any(s.course < last[s.id] for s in students)
    assert any(
        s.course > last[s.id] and s.ends_on >= year_ago and s.studies_ended_on is None
        for s in students
    )
    assert any(s.studies_ended_on and s.studies_ended_on < year_ago for s in students)
    assert 0.02 < sum(s.special_needs for s in students) / len(students) < 0.1
    assert all(s.started_on < s.ends_on and s.standard_id for s in students)


def _birth_year(code: str) -> int:
    return (1800 + 100 * ((int(code[0]) - 1) // 2)) + int(code[1:3])


async def test_roles_and_demo_users(empty_db: str) -> None:
    # given the demo data
    await load_demo_data(today=TODAY)

    # when the role assignments are read
    assignments = await RoleAssignment.all().select_related("person", "organisation")

    # then every role is held, one person holds two roles, admins have no organisation
    assert {a.role for a in assignments} == set(Role)
    roles_per_person: dict[int, set[Role]] = {}
    for a in assignments:
        roles_per_person.setdefault(a.person_id, set()).add(Role(a.role))
    assert any(len(roles) >= 2 for roles in roles_per_person.values())
    assert all((a.organisation is None) == (a.role is Role.REGISTRY_ADMIN) for a in assignments)
    # and every demo user matches a role assignment in the database
    held = {
        (
            a.person.personal_code,
            a.person.first_name,
            a.person.last_name,
            Role(a.role),
            a.organisation.code if a.organisation else None,
            a.organisation.name if a.organisation else None,
        )
        for a in assignments
    }
    for user in DEMO_USERS:
        assert is_valid_personal_code(user.personal_code)
        assert (
            user.personal_code,
            user.first_name,
            user.last_name,
            user.role,
            user.organisation_code,
            user.organisation_name,
        ) in held
        assert user.note
    assert {u.role for u in DEMO_USERS} == set(Role)


async def test_exams(empty_db: str) -> None:
    # given the demo data
    await load_demo_data(today=TODAY)

    # when the exams are read
    exams = await Exam.all().prefetch_related("participants", "groups")

    # then they are in at least five states, and each non-draft exam was submitted
    statuses = {ExamStatus(e.status) for e in exams}
    assert len(statuses) >= 5
    assert all(e.submitted_at for e in exams if e.status != ExamStatus.DRAFT)
    assert "ru" in {e.language for e in exams}
    for exam in exams:
        hev = any(p.special_needs for p in exam.participants)
        if exam.status != ExamStatus.DRAFT and hev:
            assert exam.comment
        if exam.status == ExamStatus.RETURNED:
            assert exam.return_reason
        for group in exam.groups:
            members = [p for p in exam.participants if p.group_id == group.id]
            assert len(members) < group.limit
    # and results are consistent with the scoring scheme
    scored = await Participant.filter(result__isnull=False).select_related("exam__scoring_scheme")
    assert {ParticipantResult(p.result) for p in scored} == set(ParticipantResult)
    for p in scored:
        if p.result == ParticipantResult.ABSENT:
            assert p.score is None
            continue
        scheme = p.exam.scoring_scheme
        assert sum(p.scores.values()) == p.score
        assert all(0 <= p.scores[part["code"]] <= part["max"] for part in scheme.parts)
        assert (p.score >= scheme.pass_mark) == (p.result == ParticipantResult.PASSED)
    kinds = set(await Participant.all().values_list("kind", flat=True))
    assert {ParticipantKind.WORK_WORLD_APPLICANT, ParticipantKind.RETAKER} <= kinds


async def test_groups_avoid_sundays_and_holidays(empty_db: str) -> None:
    # given the demo data
    await load_demo_data(today=TODAY)

    # when the group dates are read
    days = [d for d in await ExamGroup.all().values_list("date", flat=True) if d]

    # then none falls on a Sunday or an Estonian public holiday
    public = holidays.country_holidays("EE", years=range(TODAY.year - 1, TODAY.year + 2))
    assert days
    assert all(d.weekday() != 6 and d not in public for d in days)


async def test_assessor_and_chair_have_work(empty_db: str) -> None:
    # given the demo data
    await load_demo_data(today=TODAY)
    chair = next(u for u in DEMO_USERS if u.role is Role.COMMISSION_CHAIR)
    assessor = next(u for u in DEMO_USERS if u.role is Role.ASSESSOR)

    # when their exams are looked up
    chair_exams = await Exam.filter(awarding_body__code=chair.organisation_code)
    memberships = await CommitteeMember.filter(person__personal_code=assessor.personal_code)

    # then the chair's body has an assessed exam and the assessor sits on a committee
    assert ExamStatus.ASSESSED in {e.status for e in chair_exams}
    assert memberships


async def test_completed_exams_have_protocols_and_certificates(empty_db: str) -> None:
    # given the demo data
    await load_demo_data(today=TODAY)

    # when the completed exams' protocols and certificates are read
    completed = await Exam.filter(status=ExamStatus.COMPLETED).select_related("awarding_body")
    certificates = await Certificate.all().order_by("register_number")

    # then each has signed assessment protocols and a numbered commission protocol
    assert completed
    for exam in completed:
        protocols = await Protocol.filter(exam=exam).prefetch_related("signatures")
        commission = [p for p in protocols if p.kind == ProtocolKind.COMMISSION]
        assert len(commission) == 1
        number = commission[0].number
        assert number == f"KP-{exam.awarding_body.code}-{commission[0].date.year}-1"
        assert all(p.signatures for p in protocols)
        sequence = await ProtocolNumberSequence.get(
            awarding_body_id=exam.awarding_body_id, year=commission[0].date.year
        )
        assert sequence.last_number == 1
    # and certificates are numbered without gaps, partial ones name their partial qualification
    numbers = [c.register_number for c in certificates]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    assert any(c.partial_qualification_id for c in certificates)
    assert all(c.valid_until and c.valid_until > c.valid_from for c in certificates)


async def test_dates_follow_today(empty_db: str) -> None:
    # given another day, a leap day some years on
    later = dt.date(2032, 2, 29)

    # when the demo data is loaded for that day
    await load_demo_data(today=later)

    # then IT v6 is still valid, Abikokk v4 has expired, and exams lie on both sides of it
    it6 = await Standard.get(name="IT-süsteemide nooremspetsialist, tase 4", version=6)
    cook4 = await Standard.get(name="Abikokk, tase 3", version=4)
    assert it6.status_on(later) is StandardStatus.VALID
    assert cook4.status_on(later) is StandardStatus.EXPIRED
    days = [d for d in await ExamGroup.all().values_list("date", flat=True) if d]
    assert min(days) < later < max(days)


async def test_the_demo_protocols_are_really_signed_and_continue_the_numbering(api) -> None:
    # given the demo loaded with the application's signing (development keys, certomancer TSA)
    from tortoise.transactions import in_transaction

    from models.certificate import Certificate
    from models.counters import CERTIFICATES, take_register_numbers
    from models.enums import ProtocolStatus
    from models.protocol import Protocol, ProtocolDocument, ProtocolExtract, ProtocolSigner
    from signing.verify import verify_document

    signing = api.app.state.signing
    await load_demo_data(signing, today=TODAY)

    # then every signed protocol has its PDF, verified, with one signature per signer
    protocols = await Protocol.filter(status=ProtocolStatus.SIGNED)
    assert protocols
    for protocol in protocols:
        document = await ProtocolDocument.get(protocol_id=protocol.id)
        report = await verify_document(document.content, trust_roots=signing.trust_roots)
        assert report.valid, protocol.id
        assert (
            len(report.signatures) == await ProtocolSigner.filter(protocol_id=protocol.id).count()
        )
    # and every completed exam has its school's sealed extract
    commissions = [p for p in protocols if p.kind == "COMMISSION"]
    assert await ProtocolExtract.filter(protocol_id__in=[p.id for p in commissions]).count() == len(
        commissions
    )
    # and the next certificate continues the demo's register
    last = max(await Certificate.all().values_list("register_number", flat=True))
    async with in_transaction() as connection:
        assert list(await take_register_numbers(connection, CERTIFICATES, 1)) == [last + 1]


async def test_the_completed_exams_are_compensated_on_a_first_run(empty_db: str) -> None:
    from models.access import ReportScope
    from models.compensation_report import compensation_report

    # given the demo data
    await load_demo_data(today=TODAY)

    # when the registry asks for the last year's compensation
    report = await compensation_report(ReportScope(), TODAY - dt.timedelta(days=365), TODAY)

    # then every completed exam has a line with a rate and a positive amount
    completed = await Exam.filter(status=ExamStatus.COMPLETED).values_list("id", flat=True)
    assert {line.exam_id for line in report.lines} == set(completed)
    assert all(line.rate is not None and line.amount_cents for line in report.lines)
    assert report.amount_cents > 0
    assert await Curriculum.filter(curriculum_group__isnull=True).count() == 0


async def test_the_open_exams_move_on_through_the_workflow_as_loaded_today(empty_db: str) -> None:
    # given the demo data loaded for the day the workflow runs on (its past exams are data, as
    # they happened; the open ones are planned from that day on)
    day = today()
    await load_demo_data(today=day)
    past = await ExamGroup.filter(date__lt=day).values_list("exam__status", flat=True)
    assert {ExamStatus(s) for s in past} >= {ExamStatus.ASSESSED, ExamStatus.COMPLETED}

    # when each submitted exam is accepted by its awarding body, and the returned one is sent
    # again by its school, through the workflow's own calls (which refuse past dates)
    moved = []
    for exam in await Exam.filter(status__in=[ExamStatus.SUBMITTED, ExamStatus.RETURNED]):
        role = Role.AWARDING_BODY if exam.status == ExamStatus.SUBMITTED else Role.SCHOOL
        organisation = exam.awarding_body_id if role is Role.AWARDING_BODY else exam.school_id
        person = await RoleAssignment.filter(role=role, organisation_id=organisation).first()
        assert person is not None
        viewer = Viewer(person_id=person.person_id, role=role, organisation_id=organisation)
        if role is Role.AWARDING_BODY:
            accepted, _ = await accept_exam(viewer, exam.id, exam.version)
            moved.append(accepted.status)
        else:
            submitted, _ = await submit_exam(viewer, exam.id, exam.version)
            moved.append(submitted.status)

    # then every one of them moved on: no demo date lies in the past where it must not
    assert sorted(moved) == sorted([ExamStatus.ACCEPTED, ExamStatus.ACCEPTED, ExamStatus.SUBMITTED])


async def test_every_school_the_demo_documents_name_has_a_demo_user(empty_db: str) -> None:
    # given the demo data
    await load_demo_data(today=TODAY)

    # when the schools of its exams (whose protocols and extracts name them) are read
    schools = set(await Exam.all().values_list("school__code", flat=True))

    # then each has a demo user acting for it, so every document's recipient can sign in
    school_users = {u.organisation_code for u in DEMO_USERS if u.role is Role.SCHOOL}
    assert schools <= school_users
    completed = await Exam.filter(status=ExamStatus.COMPLETED).values_list(
        "school__code", flat=True
    )
    assert completed
    assert set(completed) <= school_users
