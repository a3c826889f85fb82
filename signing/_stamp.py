"""The visible signature stamp: who signed and when, in Source Sans Pro (1000 units per em)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import font_source_sans_pro
from fontTools import subset, ttLib
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import TextStampStyle

_FONT_SIZE = 8


@dataclass(frozen=True)
class _InMemoryFontFactory(GlyphAccumulatorFactory):
    """Reads the font file once; pyHanko's factory reopens it per stamp and never closes it."""

    font_bytes: bytes = field(default=b"", repr=False)

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: object = None
    ) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()  # type: ignore[no-untyped-call]
        return GlyphAccumulator(
            writer=writer,
            font_handle=BytesIO(self.font_bytes),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


_UNICODES = [
    *range(0x20, 0x7F),  # ASCII
    *range(0xA0, 0x180),  # Latin-1 and Latin Extended-A: õ ä ö ü š ž and neighbours
    0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x201E, 0x2026, 0x20AC,
]  # fmt: skip


def _small_font(font: Path) -> bytes:
    """Source Sans Pro cut to Latin without OpenType layout tables.

    pyHanko subsets the stamp font for every signature; on the full font the layout tables
    alone take ~0.5 s to parse each time, on this cut a few milliseconds.
    """
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    with ttLib.TTFont(font) as full:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=_UNICODES)
        subsetter.subset(full)
        out = BytesIO()
        full.save(out)
    return out.getvalue()


@functools.cache
def stamp_style() -> TextStampStyle:
    """The stamp style, built once per process."""
    font = Path(font_source_sans_pro.font_directory) / "SourceSansPro-Regular.ttf"
    return TextStampStyle(
        stamp_text="Allkirjastanud / Signed by:\n%(signer)s\n%(ts)s",
        text_box_style=TextBoxStyle(
            font=_InMemoryFontFactory(
                str(font), font_size=_FONT_SIZE, font_bytes=_small_font(font)
            ),
            font_size=_FONT_SIZE,
        ),
        timestamp_format="%Y-%m-%d %H:%M:%S %Z",
        background=None,
        border_width=0,
    )
