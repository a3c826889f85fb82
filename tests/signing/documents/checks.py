"""Assertions shared by the protocol tests."""

from __future__ import annotations

from signing.documents import RenderedDocument

from .pdftools import Pdf

A4_HEIGHT = 841.89


def assert_table_header_on_every_table_page(pdf: Pdf, codes: list[str]) -> None:
    """Every code printed once, and each page with table rows starts with the header row."""
    pages = pdf.page_texts()
    assert len(pages) > 1, "expected the table to continue on another page"
    for code in codes:
        assert sum(page.count(code) for page in pages) == 1, code
    table_pages = [page for page in pages if any(code in page for code in codes)]
    assert len(table_pages) > 1
    for page in table_pages:
        assert "Isikukood" in page
        assert "Personal code" in page
        assert page.index("Isikukood") < min(page.index(code) for code in codes if code in page)


def assert_boxes_under_their_labels_on_the_last_page(pdf: Pdf, document: RenderedDocument) -> None:
    """Each field sits on the last page, right below the signer's name drawn as its label."""
    last_page = len(pdf.page_texts()) - 1
    words = pdf.words()
    boxes = []
    for field in document.fields:
        assert field.page == last_page
        x1, y1, x2, y2 = field.box
        top = A4_HEIGHT - y2  # poppler measures from the top
        first_name_word = field.signer_name.split()[0]
        labels = [
            word
            for word in words
            if word.page == field.page
            and word.text == first_name_word
            and x1 - 3 <= word.x_min <= x1 + 3
            and top - 40 <= word.y_max <= top
        ]
        assert labels, f"no label {first_name_word!r} above {field.name}"
        boxes.append(field.box)
    for index, (ax1, ay1, ax2, ay2) in enumerate(boxes):
        for bx1, by1, bx2, by2 in boxes[index + 1 :]:
            assert ax2 <= bx1 or bx2 <= ax1 or ay2 <= by1 or by2 <= ay1, "boxes overlap"
