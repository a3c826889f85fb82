"""Independent looks at a PDF through poppler-utils and qpdf."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

TOOLS = ("pdftotext", "pdfinfo", "pdffonts", "qpdf")

needs_tools = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in TOOLS),
    reason=f"needs {', '.join(TOOLS)} (Debian: poppler-utils, qpdf)",
)

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Word:
    """A word as pdftotext -bbox sees it: points, origin top-left, 0-based page."""

    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


class Pdf:
    """One PDF on disk and the command-line tools' view of it."""

    def __init__(self, directory: Path, pdf: bytes, name: str = "document.pdf") -> None:
        self.path = directory / name
        self.path.write_bytes(pdf)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, capture_output=True, text=True, check=check)

    def page_texts(self) -> list[str]:
        """Each page's text (-layout), in page order."""
        text = self._run("pdftotext", "-layout", str(self.path), "-").stdout
        pages = text.split("\f")
        return pages[:-1] if pages and not pages[-1].strip() else pages

    def raw_text(self) -> str:
        """The text in content-stream order (a wrapped cell's lines stay together)."""
        return self._run("pdftotext", "-raw", str(self.path), "-").stdout

    def flat_text(self) -> str:
        """:meth:`raw_text` with every run of whitespace (line breaks too) made one space."""
        return " ".join(self.raw_text().split())

    def words(self) -> list[Word]:
        """Every word with its box."""
        out = self._run("pdftotext", "-bbox", str(self.path), "-").stdout
        found: list[Word] = []
        for page, chunk in enumerate(out.split("<page ")[1:]):
            for match in _WORD.finditer(chunk):
                x_min, y_min, x_max, y_max, text = match.groups()
                found.append(
                    Word(
                        page,
                        html.unescape(text),
                        float(x_min),
                        float(y_min),
                        float(x_max),
                        float(y_max),
                    )
                )
        return found

    def info(self) -> dict[str, str]:
        """pdfinfo's key/value lines."""
        out = self._run("pdfinfo", str(self.path)).stdout
        pairs = (line.split(":", 1) for line in out.splitlines() if ":" in line)
        return {key.strip(): value.strip() for key, value in pairs}

    def xmp(self) -> str:
        """The XMP metadata packet."""
        return self._run("pdfinfo", "-meta", str(self.path)).stdout

    def fonts(self) -> list[dict[str, str]]:
        """pdffonts rows as dicts (name, type, emb, sub, uni)."""
        lines = self._run("pdffonts", str(self.path)).stdout.splitlines()[2:]
        rows = []
        for line in lines:
            parts = line.split()
            # name type... encoding emb sub uni object-id generation
            rows.append(
                {
                    "name": parts[0],
                    "emb": parts[-5],
                    "sub": parts[-4],
                    "uni": parts[-3],
                    "type": " ".join(parts[1:-6]),
                }
            )
        return rows

    def qpdf_check(self) -> subprocess.CompletedProcess[str]:
        """``qpdf --check`` (exit status 0 when the structure is sound)."""
        return self._run("qpdf", "--check", str(self.path), check=False)
