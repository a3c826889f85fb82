"""What every rendered document shares: determinism, PDF/A-2B identity, fonts, structure."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import fpdf.fpdf
import fpdf.output
import fpdf.syntax
import pytest

from signing.documents import (
    RenderedDocument,
    render_assessment_protocol,
    render_commission_protocol,
    render_extract,
)

from . import samples
from .pdftools import Pdf, needs_tools

A4_WIDTH, A4_HEIGHT = 595.28, 841.89

RENDERS: dict[str, Callable[[], RenderedDocument]] = {
    "assessment": lambda: render_assessment_protocol(samples.assessment(12)),
    "commission": lambda: render_commission_protocol(samples.commission(12)),
    "extract": lambda: render_extract(samples.extract(12)),
}


@pytest.fixture(params=sorted(RENDERS))
def document(request: pytest.FixtureRequest) -> RenderedDocument:
    return RENDERS[request.param]()


@pytest.mark.parametrize("kind", sorted(RENDERS))
def test_same_input_gives_same_bytes(kind: str) -> None:
    first, second = RENDERS[kind](), RENDERS[kind]()

    assert first.pdf == second.pdf
    assert first.sha256 == second.sha256
    assert first.fields == second.fields


def test_one_changed_name_changes_bytes_and_file_id() -> None:
    data = samples.commission(12)
    changed = replace(
        data, decisions=(replace(data.decisions[0], first_name="Maria"), *data.decisions[1:])
    )

    before, after = render_commission_protocol(data), render_commission_protocol(changed)

    assert before.pdf != after.pdf
    assert _file_id(before.pdf) != _file_id(after.pdf)


def test_bytes_do_not_depend_on_the_process() -> None:
    """Hash seeds and import order differ between processes; the PDF must not."""
    script = (
        "from tests.signing.documents import samples\n"
        "from signing.documents import render_commission_protocol\n"
        "print(render_commission_protocol(samples.commission(12)).sha256)\n"
    )
    root = Path(__file__).resolve().parents[3]
    environment = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env=environment,
    )

    assert out.stdout.strip() == RENDERS["commission"]().sha256


def test_sha256_is_the_hash_of_the_bytes(document: RenderedDocument) -> None:
    assert document.sha256 == hashlib.sha256(document.pdf).hexdigest()


@pytest.mark.parametrize("kind", sorted(RENDERS))
def test_the_clock_does_not_reach_the_file(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = RENDERS[kind]().pdf

    class AcceptsRealDatetimes(type):
        def __instancecheck__(cls, instance: object) -> bool:
            return isinstance(instance, datetime)

    class FarFuture(datetime, metaclass=AcceptsRealDatetimes):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> FarFuture:
            return cls(2099, 1, 2, 3, 4, 5, tzinfo=tz or UTC)

    for module in (fpdf.fpdf, fpdf.output, fpdf.syntax):
        monkeypatch.setattr(module, "datetime", FarFuture)

    assert RENDERS[kind]().pdf == expected


@needs_tools
def test_pdfa_2b_identification_and_metadata_in_xmp(
    document: RenderedDocument, as_pdf: Callable[[bytes], Pdf]
) -> None:
    xmp = as_pdf(document.pdf).xmp()

    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "<rdf:li>Eksamihaldus</rdf:li>" in xmp  # dc:creator, the author
    assert "<dc:language><rdf:Bag><rdf:li>et</rdf:li></rdf:Bag></dc:language>" in xmp
    assert "<dc:title>" in xmp
    assert "<dc:description>" in xmp
    assert xmp.count("T00:00:00+00:00</xmp:") == 3  # create/modify/metadata date: the input's


@needs_tools
def test_catalog_language_is_estonian(document: RenderedDocument) -> None:
    assert b"/Lang (et)" in document.pdf


@needs_tools
def test_all_fonts_embedded_subset_unicode(
    document: RenderedDocument, as_pdf: Callable[[bytes], Pdf]
) -> None:
    fonts = as_pdf(document.pdf).fonts()

    assert {font["name"].split("+")[-1] for font in fonts} <= {
        "SourceSansPro",
        "SourceSansProSemibold",
    }
    assert all(font["emb"] == "yes" and font["sub"] == "yes" for font in fonts)
    assert all(font["uni"] == "yes" for font in fonts)


@needs_tools
def test_qpdf_finds_no_structural_errors(
    document: RenderedDocument, as_pdf: Callable[[bytes], Pdf]
) -> None:
    check = as_pdf(document.pdf).qpdf_check()

    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout


@needs_tools
def test_a4_pages_numbered_lk_x_of_y(
    document: RenderedDocument, as_pdf: Callable[[bytes], Pdf]
) -> None:
    pdf = as_pdf(document.pdf)
    pages = pdf.page_texts()

    assert pdf.info()["Page size"].startswith("595.28 x 841.89")
    for number, text in enumerate(pages, start=1):
        assert f"Lk {number}/{len(pages)}" in text


@needs_tools
def test_estonian_letters_survive_text_extraction(as_pdf: Callable[[bytes], Pdf]) -> None:
    data = samples.commission(3)
    special = replace(data.decisions[0], last_name="ÕÄÖÜŠŽ", first_name="õäöüšž")
    document = render_commission_protocol(replace(data, decisions=(special,)))

    text = as_pdf(document.pdf).raw_text()

    assert "ÕÄÖÜŠŽ, õäöüšž" in text
    assert "Tõnu Õispuu" in text
    assert "Kutsekomisjoni protokoll" in text


def test_field_boxes_are_ordered_integer_rectangles_inside_a4(document: RenderedDocument) -> None:
    pages = _page_count(document.pdf)

    assert document.fields
    assert len({field.name for field in document.fields}) == len(document.fields)
    for field in document.fields:
        x1, y1, x2, y2 = field.box
        assert all(isinstance(value, int) for value in field.box)
        assert 0 <= x1 < x2 <= A4_WIDTH
        assert 0 <= y1 < y2 <= A4_HEIGHT
        assert x2 - x1 >= 150
        assert y2 - y1 >= 50
        assert 0 <= field.page < pages


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page(?!s)", pdf))


def _file_id(pdf: bytes) -> bytes:
    start = pdf.rindex(b"/ID")
    return pdf[start : pdf.index(b"]", start)]
