"""Signing latency: sign_with_key (local vs HTTP TSA), prepare+complete, verify, raw signature.

Usage: ``python -m bench.signing [--iterations 20] [--pki DIR]``. Starts certomancer on a
free loopback port for the HTTP TSA and stops it at the end. Prints medians in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from fpdf import FPDF

from signing._issuing import pem_to_der
from signing.documents.model import FieldPlacement
from signing.pades import complete_external, prepare_external, sign_with_key
from signing.pki import CERTOMANCER_ARCH, CERTOMANCER_TSA, DevelopmentPki
from signing.timestamps import TimeStamper, http_timestamper, local_timestamper
from signing.verify import verify_document

FIELD = FieldPlacement("allkiri-1", 0, (320, 60, 520, 120), "Mari Maasikas", "Esimees / Chair")


def small_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for line in range(40):
        pdf.cell(
            text=f"Hindamisprotokoll / Assessment protocol, rida {line}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())


async def median_ms(action: Callable[[], Awaitable[object]], iterations: int) -> float:
    await action()  # warm-up: imports, font parsing, connection setup
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def start_tsa(pki: DevelopmentPki) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "certomancer", "--config", str(pki.certomancer_config),
         "animate", "--aiohttp", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return process, f"http://127.0.0.1:{port}/{CERTOMANCER_ARCH}/tsa/{CERTOMANCER_TSA}"


async def run(pki: DevelopmentPki, iterations: int, tsa_url: str) -> list[tuple[str, float]]:
    pdf = small_pdf()
    local: TimeStamper = local_timestamper(pki)
    remote: TimeStamper = http_timestamper(tsa_url)
    eseal = pki.eseal()
    person = pki.person("38001085718", "Mari", "Maasikas")
    key = serialization.load_pem_private_key(person.private_key_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    certificate = pem_to_der(person.certificate_pem)

    async def external(stamper: TimeStamper) -> bytes:
        prepared = await prepare_external(pdf, FIELD, certificate, lock=True, reason="OK")
        signature = key.sign(prepared.digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        return await complete_external(prepared.state, signature, timestamper=stamper)

    async def raw() -> bytes:
        return key.sign(b"\x01" * 32, ec.ECDSA(utils.Prehashed(hashes.SHA256())))

    signed = await external(local)
    roots = [pki.root_certificate_pem]
    return [
        ("sign_with_key, local TSA", await median_ms(
            lambda: sign_with_key(pdf, FIELD, eseal, timestamper=local, lock=True, reason="OK"),
            iterations)),
        ("sign_with_key, HTTP TSA (certomancer)", await median_ms(
            lambda: sign_with_key(pdf, FIELD, eseal, timestamper=remote, lock=True, reason="OK"),
            iterations)),
        ("prepare+complete, local TSA", await median_ms(lambda: external(local), iterations)),
        ("prepare+complete, HTTP TSA", await median_ms(lambda: external(remote), iterations)),
        ("verify_document (1 signature)", await median_ms(
            lambda: verify_document(signed, trust_roots=roots), iterations)),
        ("raw ECDSA P-256 signature", await median_ms(raw, iterations * 10)),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--pki", type=Path, help="PKI directory (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pki = DevelopmentPki.create(args.pki or Path(tmp) / "pki")
        process, url = start_tsa(pki)
        try:
            rows = asyncio.run(run(pki, args.iterations, url))
        finally:
            process.terminate()
            process.wait()
    width = max(len(name) for name, _ in rows)
    print(f"{'operation':<{width}}  median ms  (n={args.iterations}, PDF {len(small_pdf())} B)")
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:9.2f}")


if __name__ == "__main__":
    main()
