from __future__ import annotations

import pytest

from signing.documents.metadata import DocumentInfo
from signing.documents.page import DocumentPdf
from signing.documents.text import clean, measure, use, wrap

from . import samples


@pytest.fixture
def pdf() -> DocumentPdf:
    info = DocumentInfo("T", "T", "X-1", samples.assessment(0).document_date, "s", (), "test")
    document = DocumentPdf(info)
    document.add_page()
    use(document, 9)
    return document


def test_decomposed_letters_are_composed() -> None:
    assert clean("o\u0303una\u0308") == "õunä"
    assert clean("tab\there") == "tab here"


def test_measure_agrees_with_fpdf(pdf: DocumentPdf) -> None:
    text = "Õnneõun Šžä – Kask, Mari"

    assert measure(pdf, text) == pytest.approx(pdf.get_string_width(text))


@pytest.mark.parametrize(
    "text",
    ["Mari Maasikas", "Vaher-Õunapuu-Šahmatova von Hohenzollern " * 3, "x" * 300, ""],
)
def test_wrapped_lines_fit(pdf: DocumentPdf, text: str) -> None:
    lines = wrap(pdf, text, 30.0)

    assert all(measure(pdf, line) <= 30.0 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_line_cap_ends_with_ellipsis(pdf: DocumentPdf) -> None:
    lines = wrap(pdf, "sõna " * 100, 30.0, max_lines=2)

    assert len(lines) == 2
    assert lines[-1].endswith("\u2026")
    assert measure(pdf, lines[-1]) <= 30.0


def test_bilingual_text_breaks_at_the_slash_first(pdf: DocumentPdf) -> None:
    text = "Ei omistatud / Not awarded"
    width = measure(pdf, "Ei omistatud / Not")

    assert wrap(pdf, text, width) == ["Ei omistatud /", "Not awarded"]


def test_characters_without_a_glyph_become_question_marks() -> None:
    assert clean("Иванов Αθήνα") == "Иванов Αθήνα"
    assert clean("Li 李 ☃") == "Li ? ?"


def test_slash_break_is_not_worth_an_extra_line(pdf: DocumentPdf) -> None:
    text = "Põhjus / Reason: haigus haiglaraviga"
    width = measure(pdf, "Põhjus / Reason: haigus") + 0.1

    assert wrap(pdf, text, width) == ["Põhjus / Reason: haigus", "haiglaraviga"]
