"""Fixtures for signing tests: a development PKI, a certomancer TSA on loopback, NSS trust."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from fpdf import FPDF
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field

from signing.documents.model import FieldPlacement
from signing.pki import DevelopmentPki
from tests.signing.validators import make_nss_db

FIRST = FieldPlacement("allkiri-1", 0, (60, 60, 260, 120), "Eksamihaldus", "E-tempel / E-seal")
SECOND = FieldPlacement("allkiri-2", 0, (320, 60, 520, 120), "Mari Maasikas", "Esimees / Chair")


def make_pdf(text: str = "Hindamisprotokoll / Assessment protocol", pages: int = 1) -> bytes:
    """A small PDF made with fpdf2 (not the project renderer, to keep these tests apart)."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(pages):
        pdf.add_page()
        pdf.cell(text=f"{text} - {number + 1}")
    return bytes(pdf.output())


def with_empty_field(pdf: bytes, field: FieldPlacement) -> bytes:
    """``pdf`` with an empty signature field, as the renderer may leave one."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    append_signature_field(
        writer, SigFieldSpec(sig_field_name=field.name, on_page=field.page, box=field.box)
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def pki(test_pki: DevelopmentPki) -> DevelopmentPki:
    """The session's development PKI (tests/conftest.py), whose TSA `tsa_url` serves."""
    return test_pki


@pytest.fixture(scope="session")
def foreign_pki(tmp_path_factory: pytest.TempPathFactory) -> DevelopmentPki:
    return DevelopmentPki.create(tmp_path_factory.mktemp("foreign-pki"))


@pytest.fixture(scope="session")
def nssdir(tmp_path_factory: pytest.TempPathFactory, pki: DevelopmentPki) -> Path:
    return make_nss_db(tmp_path_factory.mktemp("nss"), pki.root_certificate_pem)
