from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from signing.documents import ScoreLine, render_assessment_protocol

from . import samples
from .checks import (
    assert_boxes_under_their_labels_on_the_last_page,
    assert_table_header_on_every_table_page,
)
from .pdftools import Pdf, needs_tools


def test_one_field_per_committee_member_in_signing_order() -> None:
    data = samples.assessment(3)

    document = render_assessment_protocol(data)

    assert [field.name for field in document.fields] == ["allkiri-1", "allkiri-2", "allkiri-3"]
    assert [field.signer_name for field in document.fields] == [m.name for m in data.committee]
    assert [field.role_label for field in document.fields] == [
        member.role_label for member in data.committee
    ]


@needs_tools
def test_sixty_participants_paginate_with_repeated_header(as_pdf: Callable[[bytes], Pdf]) -> None:
    data = samples.assessment(60)

    document = render_assessment_protocol(data)

    pdf = as_pdf(document.pdf)
    assert_table_header_on_every_table_page(pdf, [p.personal_code for p in data.participants])
    assert_boxes_under_their_labels_on_the_last_page(pdf, document)


@needs_tools
def test_many_committee_members_keep_boxes_whole(as_pdf: Callable[[bytes], Pdf]) -> None:
    members = tuple(replace(samples.CHAIR, name=f"Liige Number{index}") for index in range(1, 10))
    data = samples.assessment(20, committee=members)

    document = render_assessment_protocol(data)

    pdf = as_pdf(document.pdf)
    assert [field.name for field in document.fields] == [f"allkiri-{n}" for n in range(1, 10)]
    assert pdf.qpdf_check().returncode == 0
    words = pdf.words()
    for field in document.fields:
        page_words = {word.text for word in words if word.page == field.page}
        assert field.signer_name.split()[1] in page_words  # label on the box's own page


@needs_tools
def test_prints_scores_totals_and_absence(as_pdf: Callable[[bytes], Pdf]) -> None:
    data = samples.assessment(7)

    text = as_pdf(render_assessment_protocol(data).pdf).flat_text()

    for fact in (
        "Hindamisprotokoll",
        "Assessment protocol",
        "HP-123",
        "Keevitaja, tase 4 (versioon 2)",
        "Tallinna Polütehnikum",
        "KEE-23",
        "Pärnu mnt 57, Tallinn, ruum / room B-214",
        "10.06.2026 09:30",
        "60 punkti 100-st",
        "Teoreetiline osa",
        "max 40",
        "Puudus / Absent",
        "Põhjus / Reason: haigus (tõend esitatud)",
        "Jüri Õunapuu – Hindamiskomisjoni liige / Member",
    ):
        assert fact in text, fact
    first = data.participants[0]
    assert f"{first.last_name}, {first.first_name}" in text


@needs_tools
def test_a_missing_part_score_prints_a_dash(as_pdf: Callable[[bytes], Pdf]) -> None:
    data = samples.assessment(2)
    only_theory = replace(
        data.participants[0], scores=(ScoreLine("Teoreetiline osa", 31, 40),), total=31
    )
    document = render_assessment_protocol(
        replace(data, participants=(only_theory, data.participants[1]))
    )

    text = as_pdf(document.pdf).raw_text()

    assert "Praktiline" in text
    row = next(line for line in text.splitlines() if only_theory.personal_code in line)
    assert "31 \u2014 31" in row


@needs_tools
def test_very_long_name_wraps_inside_its_column(as_pdf: Callable[[bytes], Pdf]) -> None:
    long_last = "Vaher-Õunapuu-Šahmatova-von Hohenzollern-Sigmaringen"
    long_first = "Maximilian-Alexander Johannes Žanete"
    data = samples.assessment(3)
    person = replace(data.participants[1], last_name=long_last, first_name=long_first)
    document = render_assessment_protocol(
        replace(data, participants=(data.participants[0], person, data.participants[2]))
    )

    pdf = as_pdf(document.pdf)

    assert pdf.qpdf_check().returncode == 0
    assert f"{long_last}, {long_first}".replace(" ", "") in "".join(pdf.raw_text().split())
    _assert_name_left_of_code(pdf, person.personal_code, ("Hohenzollern", "Maximilian"))


@needs_tools
def test_absurdly_long_unbroken_name_is_cut_with_an_ellipsis(
    as_pdf: Callable[[bytes], Pdf],
) -> None:
    data = samples.assessment(2)
    person = replace(data.participants[0], last_name="Õ" + "x" * 400, first_name="Ž" * 50)
    document = render_assessment_protocol(replace(data, participants=(person,)))

    pdf = as_pdf(document.pdf)

    assert pdf.qpdf_check().returncode == 0
    text = "".join(pdf.raw_text().split())
    assert "Õxxxxxxxxxx" in text
    assert "\u2026" in text
    assert "x" * 400 not in text
    _assert_name_left_of_code(pdf, person.personal_code, ("Õxxxxxxxxxx",))


def _assert_name_left_of_code(pdf: Pdf, code: str, name_starts: tuple[str, ...]) -> None:
    words = pdf.words()
    (code_word,) = [word for word in words if word.text == code]
    name_words = [word for word in words if word.text.startswith(name_starts)]
    assert name_words
    for word in name_words:
        assert word.x_max < code_word.x_min, f"{word.text!r} runs into the personal code column"
