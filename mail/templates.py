"""Rendering notifications from the Jinja2 templates in `mail/templates/`.

A template's first line is the subject; the rest is the body, Estonian first and English
below. Templates get plain facts only (names, dates, the link), never a personal code, and
whatever is rendered passes through the same personal-code redaction as the logs, so a code
that slipped into a name still never leaves the system.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.logs import redact

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
SUBJECT_MAX = 255


@dataclass(frozen=True)
class ExamFacts:
    """What a message says about an exam."""

    standard: str
    curriculum: str
    curriculum_code: str
    school: str
    awarding_body: str
    graduation_date: date


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    body: str


def exam_url(public_url: str, exam_id: int) -> str:
    """The exam's page in the web app; it opens after sign-in.

    Args:
        public_url: The base address of the app (EH_PUBLIC_URL).
        exam_id: The exam's primary key.

    Returns:
        `{public_url}/exams/{global ID}`, the global ID encoded as the API encodes it.
    """
    global_id = base64.urlsafe_b64encode(f"Exam:{exam_id}".encode()).decode().rstrip("=")
    return f"{public_url.rstrip('/')}/exams/{global_id}"


def appeal_url(public_url: str, appeal_id: int) -> str:
    """The appeal's page in the web app (it opens after sign-in), like `exam_url`.

    Args:
        public_url: The base address of the app (EH_PUBLIC_URL).
        appeal_id: The appeal's primary key.

    Returns:
        `{public_url}/appeals/{global ID}`.
    """
    global_id = base64.urlsafe_b64encode(f"Appeal:{appeal_id}".encode()).decode().rstrip("=")
    return f"{public_url.rstrip('/')}/appeals/{global_id}"


def _et_date(value: date) -> str:
    return f"{value.day:02d}.{value.month:02d}.{value.year}"


def _en_date(value: date) -> str:
    return value.isoformat()


@cache
def environment() -> Environment:
    """The one Jinja2 environment: plain text (no autoescape), undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["et_date"] = _et_date
    env.filters["en_date"] = _en_date
    return env


def template_name(event: str) -> str:
    """`exam.returned` → `exam_returned.txt.j2`."""
    return f"{event.replace('.', '_')}.txt.j2"


def render_exam_event(
    event: str,
    *,
    exam: ExamFacts,
    recipient_name: str,
    link: str,
    reason: str | None = None,
) -> RenderedMail:
    """The subject and body of the message about `event` on an exam.

    Args:
        event: The event's value, e.g. `exam.returned`; it names the template.
        exam: What the message says about the exam.
        recipient_name: Whom the message greets.
        link: The exam's address in the web app.
        reason: Why the exam was returned (RETURNED only).

    Returns:
        The subject (one line, at most 255 characters) and the body.
    """
    text = (
        environment()
        .get_template(template_name(event))
        .render(exam=exam, recipient_name=recipient_name, link=link, reason=reason)
    )
    subject, _, body = redact(text).partition("\n")
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    return RenderedMail(subject=subject, body=body.strip("\n") + "\n")
