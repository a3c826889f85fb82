"""Independent checks of signed PDFs with tools that do not share pyHanko's code.

* :func:`assert_pdfsig_valid` — poppler's ``pdfsig`` with an NSS database holding the root.
* :func:`assert_pdfsig_appended_after` — pdfsig's view of a change after the last signature.
* :func:`assert_openssl_cms_valid` — ``openssl cms -verify`` over each signature's byte ranges.
* :func:`assert_openssl_timestamps_valid` — ``openssl ts -verify`` of each signature timestamp.
* :func:`assert_openssl_document_timestamps_valid` — ``openssl ts -verify`` of each document
  (archive) timestamp over its byte ranges (pdfsig on poppler 22 cannot check them).

Reusable by any test module (e.g. the GraphQL end-to-end tests). Each helper raises
``AssertionError`` with the tool's output when a check fails.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms, tsp

__all__ = [
    "EmbeddedSignature",
    "assert_openssl_cms_valid",
    "assert_openssl_document_timestamps_valid",
    "assert_openssl_timestamps_valid",
    "assert_pdfsig_appended_after",
    "assert_pdfsig_valid",
    "embedded_signatures",
    "make_nss_db",
]


def make_nss_db(directory: Path, root_pem: bytes) -> Path:
    """Create an NSS database in ``directory`` trusting ``root_pem``; returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    root = directory / "root.pem"
    root.write_bytes(root_pem)
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{directory}", "-n", "root", "-t", "CT,C,C", "-i", root],
        check=True,
        capture_output=True,
    )
    return directory


def assert_pdfsig_valid(
    pdf: bytes | Path,
    nssdir: Path,
    *,
    expected_signatures: int,
    last_covers_all: bool = True,
    document_timestamps: int = 0,
) -> str:
    """Check with ``pdfsig`` that every signature's digest is valid.

    pdfsig exits 0 whatever it finds, so its text is parsed; its certificate line is not
    checked (unreliable on poppler 22).

    Args:
        pdf: The document, as bytes or a path.
        nssdir: NSS database directory (see :func:`make_nss_db`).
        expected_signatures: How many signatures the document must hold.
        last_covers_all: Also require "Total document signed" on the last signature.
        document_timestamps: How many document timestamps follow the signatures; pdfsig
            only lists them ("Signature Type: unknown"), see
            :func:`assert_openssl_document_timestamps_valid`.

    Returns:
        pdfsig's output.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = pdf if isinstance(pdf, Path) else Path(tmp) / "doc.pdf"
        if not isinstance(pdf, Path):
            path.write_bytes(pdf)
        result = subprocess.run(
            ["pdfsig", "-nssdir", f"sql:{nssdir}", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
    output = result.stdout + result.stderr
    every = re.split(r"^Signature #\d+:\s*$", result.stdout, flags=re.MULTILINE)[1:]
    timestamps = [b for b in every if _DOCUMENT_TIMESTAMP.search(b)]
    blocks = [b for b in every if not _DOCUMENT_TIMESTAMP.search(b)]
    assert len(timestamps) == document_timestamps, output
    assert len(blocks) == expected_signatures, output
    for block in blocks:
        assert "Signature Validation: Signature is Valid." in block, output
    if last_covers_all and blocks:
        assert "Total document signed" in blocks[-1], output
    return output


_DOCUMENT_TIMESTAMP = re.compile(r"Signature Type: (unknown|ETSI\.RFC3161)")


@dataclass(frozen=True)
class EmbeddedSignature:
    """One signature's CMS (DER, without the /Contents padding) and the bytes it signs."""

    cms_der: bytes
    signed_bytes: bytes

    @property
    def is_document_timestamp(self) -> bool:
        """An RFC 3161 token over the byte ranges (PAdES B-LTA), not a CMS signature."""
        content = cms.ContentInfo.load(self.cms_der)["content"]
        return bool(content["encap_content_info"]["content_type"].native == "tst_info")


def _der_length(data: bytes) -> int:
    if data[0] != 0x30:
        raise AssertionError("/Contents does not hold a DER SEQUENCE")
    first = data[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    return 2 + count + int.from_bytes(data[2 : 2 + count], "big")


def embedded_signatures(pdf: bytes) -> list[EmbeddedSignature]:
    """Find every /ByteRange + /Contents pair by scanning the file, without a PDF library."""
    found = []
    pattern = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
    for match in pattern.finditer(pdf):
        a, b, c, d = (int(x) for x in match.groups())
        if (a, b, c, d) == (0, 0, 0, 0):
            continue
        hole = pdf[a + b : c]
        contents = bytes.fromhex(hole.strip(b"<>").decode("ascii"))
        found.append(
            EmbeddedSignature(
                cms_der=contents[: _der_length(contents)],
                signed_bytes=pdf[a : a + b] + pdf[c : c + d],
            )
        )
    return found


def assert_openssl_cms_valid(pdf: bytes, root_pem: bytes, *, expected_signatures: int = 0) -> None:
    """Verify each signature's CMS over its byte ranges with ``openssl cms -verify``.

    Args:
        pdf: The signed document.
        root_pem: The trusted root certificate.
        expected_signatures: If non-zero, the exact number of signatures required.
    """
    signatures = [s for s in embedded_signatures(pdf) if not s.is_document_timestamp]
    assert signatures, "no signatures found"
    if expected_signatures:
        assert len(signatures) == expected_signatures
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root.pem"
        root.write_bytes(root_pem)
        for index, signature in enumerate(signatures):
            sig, content = Path(tmp) / f"sig{index}.der", Path(tmp) / f"ranges{index}.bin"
            sig.write_bytes(signature.cms_der)
            content.write_bytes(signature.signed_bytes)
            result = subprocess.run(
                [
                    "openssl", "cms", "-verify", "-binary", "-inform", "DER",
                    "-in", str(sig), "-content", str(content),
                    "-CAfile", str(root), "-purpose", "any", "-out", "/dev/null",
                ],
                capture_output=True,
                text=True,
                check=False,
            )  # fmt: skip
            assert result.returncode == 0, f"signature {index}: {result.stderr}"
            assert "Verification successful" in result.stderr, result.stderr


def _openssl_ts_verify(token: Path, imprint: list[str], root: Path, tsa: Path, what: str) -> None:
    """``openssl ts -verify`` of one token against a digest or data (``imprint``)."""
    result = subprocess.run(
        [
            "openssl", "ts", "-verify", "-token_in", "-in", str(token), *imprint,
            "-CAfile", str(root), "-untrusted", str(tsa),
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{what}: {result.stdout}{result.stderr}"
    assert "Verification: OK" in result.stdout, result.stdout


def assert_openssl_timestamps_valid(pdf: bytes, root_pem: bytes, tsa_pem: bytes) -> int:
    """Verify each signature timestamp token with ``openssl ts -verify``.

    The token's message imprint must be the hash of the signature value it stamps.

    Returns:
        How many tokens were checked.
    """
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        root, tsa = Path(tmp) / "root.pem", Path(tmp) / "tsa.pem"
        root.write_bytes(root_pem)
        tsa.write_bytes(tsa_pem)
        for index, signature in enumerate(embedded_signatures(pdf)):
            if signature.is_document_timestamp:
                continue
            signer_info = cms.ContentInfo.load(signature.cms_der)["content"]["signer_infos"][0]
            for attribute in signer_info["unsigned_attrs"] or ():
                if attribute["type"].native != "signature_time_stamp_token":
                    continue
                token = attribute["values"][0]
                encapsulated = token["content"]["encap_content_info"]["content"]
                tst_info = tsp.TSTInfo.load(bytes(encapsulated.contents))
                hash_name = tst_info["message_imprint"]["hash_algorithm"]["algorithm"].native
                digest = hashlib.new(hash_name, signer_info["signature"].native).hexdigest()
                token_path = Path(tmp) / f"token{index}.der"
                token_path.write_bytes(token.dump())
                _openssl_ts_verify(
                    token_path, ["-digest", digest, f"-{hash_name}"], root, tsa, f"token {index}"
                )
                checked += 1
    return checked


def assert_openssl_document_timestamps_valid(pdf: bytes, root_pem: bytes, tsa_pem: bytes) -> int:
    """Verify each document timestamp with ``openssl ts -verify -data`` over its byte ranges.

    Returns:
        How many document timestamps were checked.
    """
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        root, tsa = Path(tmp) / "root.pem", Path(tmp) / "tsa.pem"
        root.write_bytes(root_pem)
        tsa.write_bytes(tsa_pem)
        for index, signature in enumerate(embedded_signatures(pdf)):
            if not signature.is_document_timestamp:
                continue
            token, data = Path(tmp) / f"doc-ts{index}.der", Path(tmp) / f"ranges{index}.bin"
            token.write_bytes(signature.cms_der)
            data.write_bytes(signature.signed_bytes)
            _openssl_ts_verify(
                token, ["-data", str(data)], root, tsa, f"document timestamp {index}"
            )
            checked += 1
    return checked


def assert_pdfsig_appended_after(
    pdf: bytes, nssdir: Path, *, expected_signatures: int, document_timestamps: int = 0
) -> str:
    """Check with ``pdfsig`` that every signature is intact but the last is not the whole file.

    This is pdfsig's view of a document changed after its last signature: it does no
    modification analysis, so it says "Not total document signed" whatever was appended.

    Returns:
        pdfsig's output.
    """
    output = assert_pdfsig_valid(
        pdf,
        nssdir,
        expected_signatures=expected_signatures,
        last_covers_all=False,
        document_timestamps=document_timestamps,
    )
    last = re.split(r"^Signature #\d+:\s*$", output, flags=re.MULTILINE)[-1]
    assert "Not total document signed" in last, output
    return output
