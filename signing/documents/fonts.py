"""Source Sans Pro for the documents, prepared once per process.

The TTFs come from the installed ``font-source-sans-pro`` package. Loading the full fonts
into every document costs more than the rest of a render (fontTools parses and subsets
the OpenType layout tables each time), so each face is cut down once to the scripts a
protocol needs (Latin with its extensions, Greek, Cyrillic, punctuation) without layout
tables or hinting, kept in memory, and handed to fpdf2 from there. fpdf2 still subsets
it again per document, so only the glyphs actually used are embedded.
"""

from __future__ import annotations

import copy
import io
from functools import cache
from importlib.resources import files

from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FAMILY = "sourcesanspro"
"""fpdf2 family name: ``pdf.set_font(FAMILY, "B", 10)``; style "B" is the semibold face."""

_FACES = {"": "SourceSansPro-Regular.ttf", "B": "SourceSansPro-Semibold.ttf"}

_UNICODES = (
    *range(0x0020, 0x007F),  # Basic Latin
    *range(0x00A0, 0x0250),  # Latin-1 Supplement, Latin Extended-A and -B (õ ä ö ü š ž ...)
    *range(0x0370, 0x0500),  # Greek and Cyrillic
    *range(0x1E00, 0x1F00),  # Latin Extended Additional
    *range(0x2010, 0x2050),  # General Punctuation (– — ‘ ’ „ “ • …)
    *range(0x20A0, 0x20C0),  # Currency symbols
    0x2116,  # №
    0x2212,  # minus sign
)

_DROPPED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "DSIG")


@cache
def _face_bytes(style: str) -> bytes:
    with open(font_path(style), "rb") as font_file:
        font = TTFont(io.BytesIO(font_file.read()), recalcTimestamp=False, lazy=True)
    for tag in _DROPPED_TABLES:
        if tag in font:
            del font[tag]
    options = subset.Options()
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_UNICODES)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@cache
def supported_characters() -> frozenset[str]:
    """The characters both faces have a glyph for.

    Anything else would be drawn as the .notdef glyph, which PDF/A forbids.
    """
    maps = [TTFont(io.BytesIO(_face_bytes(style)), lazy=True).getBestCmap() for style in _FACES]
    return frozenset(chr(code) for code in set(maps[0]).intersection(*maps[1:]))


def font_path(style: str = "") -> str:
    """Path of the installed Source Sans Pro TTF ("" regular, "B" semibold), e.g. for stamps."""
    return str(files("font_source_sans_pro") / "files" / _FACES[style])


@cache
def _prototype(style: str) -> TTFFont:
    # fpdf2's add_font() only takes a path; TTFFont reads any file object fontTools can.
    return TTFFont(FPDF(), io.BytesIO(_face_bytes(style)), f"{FAMILY}{style}", style)  # type: ignore[arg-type]


def add_fonts(pdf: FPDF) -> None:
    """Register the regular and semibold faces on ``pdf`` under :data:`FAMILY`.

    Each face is parsed once per process; a document gets a copy of the parsed font
    (fpdf2's own ``TTFFont.__deepcopy__``, which shares the read-only tables) with a
    fontTools object of its own, because fpdf2 subsets that in place when writing.

    Args:
        pdf: A fresh document with no fonts of this family yet.
    """
    for style in _FACES:
        font = copy.deepcopy(_prototype(style))
        font.i = len(pdf.fonts) + 1
        font.ttfont = TTFont(io.BytesIO(_face_bytes(style)), recalcTimestamp=False, lazy=True)
        # Keep fontTools from expanding and recompiling every glyph when fpdf2 subsets the
        # face on output (half the render time). The prepared face's head/maxp values
        # stay valid for the subset: they describe a superset of its glyphs.
        font.ttfont.recalcBBoxes = False
        font.subset = SubsetMap(font)
        pdf.fonts[font.fontkey] = font


def preload() -> None:
    """Prepare the fonts now instead of on the first render (e.g. at application start)."""
    supported_characters()
    for style in _FACES:
        _prototype(style)
