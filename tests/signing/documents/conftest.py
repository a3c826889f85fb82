from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .pdftools import Pdf


@pytest.fixture
def as_pdf(tmp_path: Path) -> Callable[[bytes], Pdf]:
    """Write rendered bytes to a temporary file for the command-line tools."""
    counter = iter(range(1_000))

    def write(pdf: bytes) -> Pdf:
        return Pdf(tmp_path, pdf, f"document-{next(counter)}.pdf")

    return write
