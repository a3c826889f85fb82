from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont

from signing.documents.fonts import FAMILY, add_fonts, font_path, supported_characters


def test_fonts_come_from_the_installed_package() -> None:
    for style in ("", "B"):
        path = Path(font_path(style))
        assert path.is_file()
        assert "font_source_sans_pro" in path.parts


def test_each_document_gets_its_own_complete_font_objects() -> None:
    first, second = FPDF(), FPDF()
    direct = TTFFont(FPDF(), Path(font_path()), "direct", "")
    direct.ttfont.close()  # fontTools keeps the file open for lazy reads

    add_fonts(first)
    add_fonts(second)

    for style in ("", "B"):
        mine, theirs = first.fonts[FAMILY + style], second.fonts[FAMILY + style]
        assert isinstance(mine, TTFFont)
        assert isinstance(theirs, TTFFont)
        for slot in TTFFont.__slots__:  # what fpdf2 sets itself must not go missing
            assert hasattr(mine, slot) or not hasattr(direct, slot), slot
        assert mine.ttfont is not theirs.ttfont  # fpdf2 subsets it in place on output
        assert mine.subset is not theirs.subset
        assert mine.subset.font is mine


def test_every_estonian_letter_has_a_glyph() -> None:
    assert set("õäöüšžÕÄÖÜŠŽ–—„“…€") <= supported_characters()
