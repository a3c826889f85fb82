"""The standards import: idempotent, versions never renumbered, exams keep their version,
bad rows refused one by one, an unreadable file changes nothing."""

from __future__ import annotations

import pytest

from integrations.report import ImportReport, SourceUnreadableError
from integrations.standards import StandardsFileSource, import_standards
from models.enums import OrganisationKind
from models.organisation import Organisation
from models.standard import PartialQualification, Specialisation, Standard, StandardAwardingBody
from tests.factories import create_exam, create_participant, create_school
from tests.integrations.helpers import STANDARDS_EXAMPLE, example, snapshot, write_json

IT = "10733612"  # versions 6 and 7, three partial qualifications each


def counts(report: ImportReport) -> dict[str, tuple[int, int, int, int]]:
    return {
        kind: (c.created, c.updated, c.unchanged, c.rejected) for kind, c in report.counts.items()
    }


async def test_the_example_imports_and_a_second_import_changes_nothing(empty_db):
    first = await import_standards(STANDARDS_EXAMPLE)
    before = await snapshot()
    second = await import_standards(StandardsFileSource(STANDARDS_EXAMPLE))

    assert counts(first) == {"awarding_bodies": (4, 0, 0, 0), "standards": (6, 0, 0, 0)}
    assert counts(second) == {"awarding_bodies": (0, 0, 4, 0), "standards": (0, 0, 6, 0)}
    assert await snapshot() == before
    v6 = await Standard.get(code=IT, version=6)
    assert (v6.ekr_level, v6.eqf_level, v6.isco, v6.kind) == (4, 4, "3512", "kutsestandard")
    assert str(v6.awarding_allowed_until) == "2027-06-30"
    assert await PartialQualification.filter(standard=v6).count() == 3
    cnc = await Standard.get(code="10712008", version=8)
    assert await Specialisation.filter(standard=cnc).count() == 2
    body = await StandardAwardingBody.get(standard=v6).prefetch_related("awarding_body")
    assert (body.awarding_body.code, body.awarding_body.kind) == (
        "10263574",
        OrganisationKind.AWARDING_BODY,
    )


async def test_a_new_version_leaves_an_exam_on_the_old_one_as_it_was(empty_db, tmp_path):
    await import_standards(STANDARDS_EXAMPLE)
    v6 = await Standard.get(code=IT, version=6)
    used = await PartialQualification.get(standard=v6, name="IT-tehnik, tase 4")
    exam = await create_exam(standard=v6, awarding_body=await Organisation.get(code="10263574"))
    participant = await create_participant(exam, partial_qualification=used)
    newer = example(STANDARDS_EXAMPLE)
    old = next(s for s in newer["standards"] if (s["code"], s["version"]) == (IT, 6))
    old["partial_qualifications"] = ["IT-haldustehnik, tase 4"]  # two dropped, one in use
    old["valid_until"] = "2026-03-31"
    newer["standards"].append({**old, "version": 8, "valid_from": "2031-03-25"})
    newer["standards"][-1].update(valid_until=None, awarding_allowed_until=None)

    report = await import_standards(write_json(tmp_path, "newer.json", newer))
    again = await import_standards(write_json(tmp_path, "newer.json", newer))

    assert counts(report)["standards"] == (1, 1, 5, 0)
    assert counts(again)["standards"] == (0, 0, 7, 0)
    await exam.refresh_from_db()
    assert exam.standard_id == v6.id
    kept = await Standard.get(id=v6.id)
    assert (kept.code, kept.version, str(kept.valid_until)) == (IT, 6, "2026-03-31")
    names = (
        await PartialQualification.filter(standard=v6)
        .order_by("name")
        .values_list("name", flat=True)
    )
    assert names == ["IT-haldustehnik, tase 4", "IT-tehnik, tase 4"]  # the used one stays
    await participant.refresh_from_db()
    assert participant.partial_qualification_id == used.id
    assert report.notes == [
        f"standard {IT} version 6: partial_qualifications item “IT-tehnik, tase 4” is no "
        "longer listed but kept, because exams or certificates use it"
    ]
    versions = Standard.filter(code=IT).order_by("version").values_list("version", flat=True)
    assert await versions == [6, 7, 8]


async def test_bad_rows_are_refused_with_row_and_field_and_good_rows_imported(empty_db, tmp_path):
    data = example(STANDARDS_EXAMPLE)
    good = data["standards"][4]  # Keevitaja, version 6 (row 5)
    data["awarding_bodies"] += [
        {"registry_code": "80005617", "name": "Vale kood"},  # row 5: check digit
        {"registry_code": "10263574", "name": "BCS"},  # row 6: a duplicate of row 1
    ]
    data["standards"] += [
        {**good, "version": 7, "awarding_bodies": ["70000740"]},  # 7: body not known
        {**good, "version": 8, "awarding_bodies": ["123"]},  # 8: not a registry code
        {**good, "version": 9, "ekr_level": 9},  # 9
        {**good, "version": 10, "valid_until": "2020-01-01"},  # 10: before valid_from
        {**good, "version": 11, "valid_from": "12.13.2024"},  # 11
        {**good, "name": "Keevitaja"},  # 12: a duplicate of row 5
        {**good, "version": 12, "partial_qualifications": ["A", "A"]},  # 13
        {**good, "version": 13, "occupational_area": None},  # 14
    ]

    report = await import_standards(write_json(tmp_path, "standards.json", data))

    assert {(p.at.kind, p.row, p.field) for p in report.problems} == {
        ("awarding_bodies", 5, "registry_code"),
        ("awarding_bodies", 6, "registry_code"),
        ("standards", 7, "awarding_bodies"),
        ("standards", 8, "awarding_bodies"),
        ("standards", 9, "ekr_level"),
        ("standards", 10, "valid_until"),
        ("standards", 11, "valid_from"),
        ("standards", 12, "version"),
        ("standards", 13, "partial_qualifications"),
        ("standards", 14, "occupational_area"),
    }
    assert counts(report) == {"awarding_bodies": (4, 0, 0, 2), "standards": (6, 0, 0, 8)}
    assert await Standard.filter(code=good["code"]).count() == 1


async def test_an_existing_version_never_changes_its_name_or_level(empty_db, tmp_path):
    await import_standards(STANDARDS_EXAMPLE)
    before = await snapshot()
    data = example(STANDARDS_EXAMPLE)
    data["standards"][0]["name"] = "IT-spetsialist, tase 4"
    data["standards"][1]["ekr_level"] = 5

    report = await import_standards(write_json(tmp_path, "standards.json", data))

    assert {(p.row, p.field) for p in report.problems} == {(1, "name"), (2, "ekr_level")}
    assert "a changed qualification is a new version" in report.problems[0].reason
    assert counts(report)["standards"] == (0, 0, 4, 2)
    assert await snapshot() == before


async def test_awarding_body_links_follow_the_file_and_bodies_are_updated(empty_db, tmp_path):
    await import_standards(STANDARDS_EXAMPLE)
    exam_body = await Organisation.get(code="80005616")
    exam = await create_exam(
        standard=await Standard.get(code="10712015", version=6),
        awarding_body=exam_body,
        school=await create_school(),
    )
    data = example(STANDARDS_EXAMPLE)
    welder = data["standards"][4]
    welder["awarding_bodies"] = ["80102482"]  # another body takes over
    data["awarding_bodies"][2]["email"] = "kutse@keevitus.example"

    report = await import_standards(write_json(tmp_path, "standards.json", data))

    assert counts(report) == {"awarding_bodies": (0, 1, 3, 0), "standards": (0, 1, 5, 0)}
    links = StandardAwardingBody.filter(standard__code="10712015").values_list(
        "awarding_body__code", flat=True
    )
    assert await links == ["80102482"]
    await exam.refresh_from_db()
    assert exam.awarding_body_id == exam_body.id
    assert (await Organisation.get(id=exam_body.id)).email == "kutse@keevitus.example"


UNREADABLE = {
    "truncated": lambda path: path.write_text(STANDARDS_EXAMPLE.read_text()[:900]),
    "unknown key": lambda path: path.write_text('{"standard": []}'),
    "not a list": lambda path: path.write_text('{"standards": {}}'),
    "binary": lambda path: path.write_bytes(b"\xff\xfe\x00{"),
}


@pytest.mark.parametrize("write", UNREADABLE.values(), ids=UNREADABLE.keys())
async def test_a_file_that_cannot_be_read_changes_nothing(empty_db, tmp_path, write):
    await import_standards(STANDARDS_EXAMPLE)
    before = await snapshot()
    path = tmp_path / "standards.json"
    write(path)

    with pytest.raises(SourceUnreadableError):
        await import_standards(path)

    assert await snapshot() == before


async def test_a_dry_run_reports_but_saves_nothing(empty_db):
    report = await import_standards(STANDARDS_EXAMPLE, dry_run=True)

    assert counts(report)["standards"] == (6, 0, 0, 0)
    assert await Standard.all().count() == 0
