"""`documentVerify`: anyone uploads any file and gets a clear answer, never a server error."""

from __future__ import annotations

import io
import json

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from models.enums import Role
from models.protocol import ProtocolDocument
from tests.protocol.conftest import HeldExam
from tests.protocol.test_signing_flow import PROTOCOL_SIGN, commission_pk, create_assessment

VERIFY = """
mutation($file: Upload!) {
  documentVerify(file: $file) {
    verification { valid problem message level signatures { signerName intact trusted
      modifiedAfter coversWholeDocument timestampTime level } }
    userErrors { code field message }
  }
}"""


async def verify(api, content: bytes) -> dict:  # type: ignore[no-untyped-def]
    """A GraphQL multipart request (the upload spec), with no sign-in."""
    response = await api.http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": VERIFY, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"0": ("upload.pdf", content, "application/pdf")},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["documentVerify"]


@pytest.fixture
async def signed_protocol(api, held: HeldExam) -> bytes:  # type: ignore[no-untyped-def]
    """A group's assessment protocol signed by its whole committee (the last locks it)."""
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    for member in held.committees[group.id]:
        await api.query(PROTOCOL_SIGN, {"protocol": protocol["id"]}, as_=(member, Role.ASSESSOR))
    return (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content


async def test_a_signed_protocol_verifies(api, signed_protocol):
    result = await verify(api, signed_protocol)

    assert result["userErrors"] == []
    verification = result["verification"]
    assert verification["valid"] is True
    assert len(verification["signatures"]) == 3
    assert all(s["intact"] and s["trusted"] for s in verification["signatures"])
    assert all(s["timestampTime"] for s in verification["signatures"])
    # validation data and an archive timestamp follow the last signature (PAdES B-LTA)
    assert verification["signatures"][-1]["coversWholeDocument"] is False
    assert [s["level"] for s in verification["signatures"]] == ["B-LTA"] * 3
    assert verification["level"] == "B_LTA"
    assert "Kääriäinen" in verification["signatures"][0]["signerName"]


async def test_one_flipped_byte_is_reported(api, signed_protocol):
    # a byte inside the signed ranges: in the first object of the file
    position = signed_protocol.index(b"obj") + 10
    tampered = bytearray(signed_protocol)
    tampered[position] ^= 0x01

    result = await verify(api, bytes(tampered))

    verification = result["verification"]
    assert verification["valid"] is False
    assert not all(s["intact"] for s in verification["signatures"])


async def test_a_change_after_the_locking_signature_is_reported(api, signed_protocol):
    # an incremental update that draws over the first page, as a forger would
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_protocol))
    drawing = writer.add_object(generic.StreamObject(stream_data=b"0 0 m 500 500 l S"))
    writer.add_stream_to_page(0, drawing)
    out = io.BytesIO()
    writer.write(out)

    result = await verify(api, out.getvalue())

    verification = result["verification"]
    assert verification["valid"] is False
    assert verification["signatures"][-1]["coversWholeDocument"] is False
    assert any(s["modifiedAfter"] for s in verification["signatures"])


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"Tere, see on tavaline tekst. / Hello, plain text.", "NOT_A_PDF"),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "CORRUPT"),
        (b"", "NOT_A_PDF"),
    ],
)
async def test_what_is_not_a_readable_pdf_gets_a_clear_answer(api, content, problem):
    result = await verify(api, content)

    assert result["verification"]["valid"] is False
    assert result["verification"]["problem"] == problem
    assert result["userErrors"][0]["code"] == "DOCUMENT_UNREADABLE"
    assert result["userErrors"][0]["message"]


async def test_a_pdf_without_signatures(api, held: HeldExam):
    protocol = await create_assessment(api, held, held.groups[0])
    unsigned = (await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))).content

    result = await verify(api, unsigned)

    assert result["userErrors"] == []
    assert result["verification"]["problem"] == "NO_SIGNATURES"
    assert result["verification"]["valid"] is False


async def test_a_file_over_the_limit(api, signed_protocol):
    limit = api.app.state.settings.verify_max_bytes

    result = await verify(api, signed_protocol + b"\n%" + b"x" * limit)

    assert result["verification"]["problem"] == "TOO_LARGE"
    assert result["userErrors"][0]["code"] == "DOCUMENT_UNREADABLE"


async def test_a_request_far_over_the_limit_is_refused_before_it_is_read(api):
    limit = api.app.state.settings.verify_max_bytes

    response = await api.http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": VERIFY, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"0": ("big.pdf", b"%PDF-" + b"x" * (limit + 2 * 1024 * 1024), "application/pdf")},
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
