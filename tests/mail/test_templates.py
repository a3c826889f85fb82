"""The message catalogue for exam events: every event renders, Estonian first, with the
link and the facts, and never a personal code."""

from __future__ import annotations

import re
from datetime import date

import pytest

from mail.templates import ExamFacts, exam_url, render_exam_event
from models.notification import ExamEvent
from schema.node import to_global_id

FACTS = ExamFacts(
    standard="Keevitaja, tase 4",
    curriculum="Keevitaja",
    curriculum_code="140212",
    school="Tartu Kutsehariduskeskus",
    awarding_body="Eesti Keevitusühing",
    graduation_date=date(2026, 6, 15),
)
LINK = exam_url("https://eksamihaldus.example", 7)


@pytest.mark.parametrize("event", list(ExamEvent))
def test_every_event_renders_both_languages_with_the_facts_and_the_link(event):
    mail = render_exam_event(
        event.value, exam=FACTS, recipient_name="Õie Sööt", link=LINK, reason="Puudub rühm."
    )

    assert "\n" not in mail.subject
    assert "Keevitaja, tase 4" in mail.subject
    body = mail.body
    assert body.index("Tere, Õie Sööt!") < body.index("Hello Õie Sööt")
    for fact in ("Tartu Kutsehariduskeskus", "Keevitaja (140212)", "15.06.2026", "2026-06-15"):
        assert fact in body
    assert body.count(LINK) == 2
    assert ("Puudub rühm." in body) is (event is ExamEvent.RETURNED)


def test_the_link_names_the_exam_by_its_api_id():
    assert LINK == f"https://eksamihaldus.example/exams/{to_global_id('Exam', 7)}"


def test_a_returned_exam_without_a_reason_says_none():
    mail = render_exam_event(
        "exam.returned", exam=FACTS, recipient_name="Õie Sööt", link=LINK, reason=None
    )

    assert "None" not in mail.body
    assert "põhjus" not in mail.body


def test_a_personal_code_in_the_data_never_reaches_the_text():
    facts = ExamFacts(**{**FACTS.__dict__, "school": "Kool 38001085718"})

    mail = render_exam_event(
        "exam.completed", exam=facts, recipient_name="Mari 49403136515", link=LINK
    )

    assert not re.search(r"\d{11}", mail.subject + mail.body)


def test_a_long_subject_is_cut_to_fit():
    facts = ExamFacts(**{**FACTS.__dict__, "standard": "Väga pikk nimi " * 30})

    mail = render_exam_event("exam.assessed", exam=facts, recipient_name="Mari", link=LINK)

    assert len(mail.subject) == 255
    assert mail.subject.endswith("…")
