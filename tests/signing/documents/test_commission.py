from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from signing.documents import render_commission_protocol

from . import samples
from .checks import (
    assert_boxes_under_their_labels_on_the_last_page,
    assert_table_header_on_every_table_page,
)
from .pdftools import Pdf, needs_tools


def test_one_field_for_the_chair() -> None:
    data = samples.commission(5)

    document = render_commission_protocol(data)

    (field,) = document.fields
    assert field.name == "allkiri-1"
    assert field.signer_name == data.chair.name
    assert field.role_label == data.chair.role_label


@needs_tools
def test_thirty_decisions_paginate_with_repeated_header(as_pdf: Callable[[bytes], Pdf]) -> None:
    data = samples.commission(30)

    document = render_commission_protocol(data)

    pdf = as_pdf(document.pdf)
    assert_table_header_on_every_table_page(pdf, [line.personal_code for line in data.decisions])
    assert_boxes_under_their_labels_on_the_last_page(pdf, document)


@needs_tools
def test_prints_the_protocol_facts(as_pdf: Callable[[bytes], Pdf]) -> None:
    data = samples.commission(4)

    text = as_pdf(render_commission_protocol(data).pdf).flat_text()

    for fact in (
        "Kutsekomisjoni protokoll",
        "Qualification commission protocol",
        data.number,
        "20.06.2026",
        data.exam_title,
        "KS-04-2024, EKR 4. tase / EQF level 4",
        "Eesti Keevitusühing (registrikood / registry code 80253652)",
        "Omistatud / Awarded",
        "Ei omistatud / Not awarded",
        "Spetsialiseerumine / Specialisation: Metallkeevitus MIG/MAG",
    ):
        assert fact in text, fact


@needs_tools
def test_empty_decision_list_still_renders(as_pdf: Callable[[bytes], Pdf]) -> None:
    document = render_commission_protocol(samples.commission(0))

    assert as_pdf(document.pdf).qpdf_check().returncode == 0
    assert len(document.fields) == 1


@needs_tools
def test_cyrillic_names_print_and_unknown_scripts_do_not_break_the_file(
    as_pdf: Callable[[bytes], Pdf],
) -> None:
    data = samples.commission(2)
    person = replace(data.decisions[0], last_name="Иванова", first_name="Li 李")

    pdf = as_pdf(render_commission_protocol(replace(data, decisions=(person,))).pdf)

    assert "Иванова, Li ?" in pdf.flat_text()
    assert pdf.qpdf_check().returncode == 0
