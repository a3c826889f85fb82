"""Typography shared by the documents: colours, sizes, text cleaning and line wrapping."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fpdf import FPDF
from fpdf.fonts import TTFFont

from .fonts import FAMILY, supported_characters

Rgb = tuple[int, int, int]

INK: Rgb = (31, 41, 51)
MUTED: Rgb = (95, 107, 122)
ACCENT: Rgb = (31, 78, 121)
RULE: Rgb = (200, 206, 214)
HEADER_FILL: Rgb = (233, 237, 242)
ZEBRA_FILL: Rgb = (246, 248, 250)

REGULAR = ""
SEMIBOLD = "B"

ELLIPSIS = "\u2026"
MISSING = "?"
DASH = "\u2014"

_TALLINN_NAME = "Europe/Tallinn"


def clean(text: str) -> str:
    """Return ``text`` ready to draw: NFC, control characters as spaces, no missing glyphs.

    Decomposed input (``o`` + combining tilde) is composed to the single letter the font
    has a glyph for (we do no text shaping). A character the font lacks becomes "?":
    PDF/A forbids showing the .notdef glyph.
    """
    supported = supported_characters()
    if text.isprintable() and unicodedata.is_normalized("NFC", text):
        if all(char in supported for char in text):
            return text
    composed = unicodedata.normalize("NFC", text)
    return "".join(_drawable(char, supported) for char in composed)


def _drawable(char: str, supported: frozenset[str]) -> str:
    if char == "\n" or char in supported:
        return char
    if unicodedata.category(char) in ("Cc", "Zl", "Zp", "Zs"):
        return " "
    return MISSING


def use(pdf: FPDF, size: float, style: str = REGULAR, color: Rgb = INK) -> None:
    """Select the family at ``size`` points in ``style`` and ``color``."""
    pdf.set_font(FAMILY, style, size)
    pdf.set_text_color(*color)


def measure(pdf: FPDF, text: str) -> float:
    """Width of ``text`` in mm in the current font.

    Same result as ``FPDF.get_string_width`` for our fonts (no shaping, no stretching,
    no markdown) at a fraction of its cost, which dominates wrapping a long table.
    """
    font = pdf.current_font
    if not isinstance(font, TTFFont):
        return pdf.get_string_width(text)
    widths = font.cw
    return sum(widths[ord(char)] for char in text) * pdf.font_size_pt / 1000 / pdf.k


def wrap(pdf: FPDF, text: str, width: float, max_lines: int | None = None) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` mm in the current font.

    Breaks at spaces, preferring the " / " between an Estonian text and its English
    translation when that takes no more lines; a word wider than the line is cut between
    characters. With ``max_lines``, the last kept line ends with an ellipsis when text
    was dropped.
    """
    lines: list[str] = []
    for paragraph in clean(text).split("\n"):
        plain = _wrap_words(pdf, paragraph, width)
        if len(plain) > 1 and " / " in paragraph:
            halves = paragraph.split(" / ")
            at_slash = [
                line
                for index, half in enumerate(halves)
                for line in _wrap_words(
                    pdf, half if index == len(halves) - 1 else f"{half} /", width
                )
            ]
            lines += at_slash if len(at_slash) <= len(plain) else plain
        else:
            lines += plain
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _with_ellipsis(pdf, lines[-1], width)
    return lines


def _wrap_words(pdf: FPDF, paragraph: str, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in paragraph.split():
        candidate = f"{line} {word}" if line else word
        if measure(pdf, candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while measure(pdf, word) > width:
            cut = _fitting_prefix(pdf, word, width)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    lines.append(line)
    return lines


def _fitting_prefix(pdf: FPDF, word: str, width: float) -> int:
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(pdf, word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _with_ellipsis(pdf: FPDF, line: str, width: float) -> str:
    while line and measure(pdf, line.rstrip() + ELLIPSIS) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def format_date(value: date | None) -> str:
    """``21.11.2026`` (the Estonian form), or a dash."""
    return value.strftime("%d.%m.%Y") if value else DASH


def format_time(value: time | None) -> str:
    """``09:30``, or a dash."""
    return value.strftime("%H:%M") if value else DASH


def format_datetime(value: datetime) -> str:
    """Local Estonian time with its UTC offset, e.g. ``21.11.2026 14:03 (UTC+02:00)``."""
    if value.tzinfo is not None:
        try:
            value = value.astimezone(ZoneInfo(_TALLINN_NAME))
        except ZoneInfoNotFoundError:  # no tz database on the machine: stay in the given zone
            pass
        offset = value.strftime("%z")
        return f"{value:%d.%m.%Y %H:%M} (UTC{offset[:3]}:{offset[3:]})"
    return f"{value:%d.%m.%Y %H:%M}"
