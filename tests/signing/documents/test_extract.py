from __future__ import annotations

from collections.abc import Callable

from signing.documents import render_extract

from . import samples
from .pdftools import Pdf, needs_tools


def test_single_e_seal_field() -> None:
    document = render_extract(samples.extract(9))

    (field,) = document.fields
    assert field.name == "e-tempel"
    assert field.signer_name == "Eksamihaldus"
    assert "e-tempel" in field.role_label


@needs_tools
def test_prints_only_the_given_lines(as_pdf: Callable[[bytes], Pdf]) -> None:
    full = samples.commission(30)
    data = samples.extract(30)
    own = {line.personal_code for line in data.protocol.decisions}
    others = {line.personal_code for line in full.decisions} - own

    text = as_pdf(render_extract(data).pdf).flat_text()

    assert own
    assert others
    assert all(code in text for code in own)
    assert not any(code in text for code in others)
    assert "Pärnumaa Kutsehariduskeskus" not in text


@needs_tools
def test_says_what_it_is_extracted_from(as_pdf: Callable[[bytes], Pdf]) -> None:
    data = samples.extract(6)

    text = as_pdf(render_extract(data).pdf).flat_text()

    number = data.protocol.number
    assert f"Väljavõte kutsekomisjoni protokollist {number}" in text
    assert f"Extract from commission protocol {number}" in text
    assert data.protocol_sha256 in text
    assert "Tõnu Õispuu" in text
    assert "20.06.2026 14:42 (UTC+03:00)" in text  # 11:42 UTC in Tallinn summer time
    assert "Tallinna Polütehnikum (registrikood / registry code 70003218)" in text
