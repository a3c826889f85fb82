"""Protocol signing latency: a commission protocol of 30 participants rendered and signed
(local and HTTP TSA), the two-step device flow, verification, the OCSP check and the
long-term (B-LT/B-LTA) steps, beside the raw signature.

Usage: ``python -m bench.signing [--iterations 30] [--pki DIR]``. Starts certomancer on a
free loopback port for the HTTP TSA and stops it at the end. Prints medians in ms and
asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from signing._issuing import pem_to_der
from signing.documents import (
    CommissionProtocolData,
    CommitteeMemberLine,
    DecisionLine,
    render_commission_protocol,
)
from signing.ltv import (
    LongTermSetup,
    add_archive_timestamp,
    add_validation_data,
)
from signing.ltv_validation import verify_long_term
from signing.pades import complete_external, prepare_external, sign_with_key
from signing.pki import DevelopmentPki
from signing.revocation import DevelopmentOcsp, HttpOcsp, check_signer
from signing.timestamps import TimeStamper, http_timestamper, local_timestamper
from signing.tsa_server import running_tsa, served_ocsp_url
from signing.verify import verify_document

NAMES = ["Õunapuu", "Kääriäinen", "Šmidt", "Žukov", "Tamm", "Mägi", "Sepp", "Kukk"]


def commission_protocol() -> CommissionProtocolData:
    """A commission protocol of 30 participants, as an awarding body signs them."""
    return CommissionProtocolData(
        number="KP-80253652-2026-4",
        document_date=date(2026, 6, 12),
        exam_title="Keevitaja, tase 4 (versioon 2)",
        standard_code="S1234",
        ekr_level=4,
        awarding_body="Eesti Keevitajate Ühing",
        awarding_body_code="80253652",
        chair=CommitteeMemberLine("Ülle Šmidt", "Kutsekomisjoni esimees / Chair"),
        decisions=tuple(
            DecisionLine(
                last_name=NAMES[i % len(NAMES)],
                first_name=f"Jüri{i}",
                personal_code=f"3800108{5718 + i:04d}"[:11],
                school="Tallinna Põhjaõhtu Kool",
                result_label="Sooritatud / Passed",
                awarded=i % 5 != 0,
                qualification="Kutse / Full qualification" if i % 5 else "—",
                specialisation=None,
            )
            for i in range(30)
        ),
    )


async def median_ms(action: Callable[[], Awaitable[object]], iterations: int) -> float:
    await action()  # warm-up: imports, font parsing, connection setup
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


async def run(pki: DevelopmentPki, iterations: int, tsa_url: str) -> list[tuple[str, float]]:
    data = commission_protocol()
    rendered = render_commission_protocol(data)
    pdf, field = rendered.pdf, rendered.fields[0]
    local: TimeStamper = local_timestamper(pki)
    remote: TimeStamper = http_timestamper(tsa_url)
    eseal = pki.eseal()
    person = pki.person("38001085718", "Mari", "Maasikas")
    key = serialization.load_pem_private_key(person.private_key_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    certificate = pem_to_der(person.certificate_pem)

    async def external(stamper: TimeStamper) -> bytes:
        prepared = await prepare_external(pdf, field, certificate, lock=True, reason="OK")
        signature = key.sign(prepared.digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        return await complete_external(prepared.state, signature, timestamper=stamper)

    async def raw() -> bytes:
        return key.sign(b"\x01" * 32, ec.ECDSA(utils.Prehashed(hashes.SHA256())))

    async def render_and_sign(stamper: TimeStamper) -> bytes:
        document = render_commission_protocol(data)
        return await sign_with_key(
            document.pdf, document.fields[0], eseal, timestamper=stamper, lock=True, reason="OK"
        )

    async def render() -> object:
        return render_commission_protocol(data)

    signed = await external(local)
    roots = [pki.root_certificate_pem]
    in_process = LongTermSetup(DevelopmentOcsp(pki), (pki.root_certificate_pem,), local)
    served = LongTermSetup(HttpOcsp(served_ocsp_url(tsa_url)), (pki.root_certificate_pem,), remote)
    archived = await add_archive_timestamp(signed, in_process)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4 * 365)
    return [
        ("render commission protocol (30)", await median_ms(render, iterations)),
        ("render + sign, local TSA", await median_ms(
            lambda: render_and_sign(local), iterations)),
        ("render + sign, HTTP TSA (certomancer)", await median_ms(
            lambda: render_and_sign(remote), iterations)),
        ("prepare+complete, local TSA", await median_ms(lambda: external(local), iterations)),
        ("prepare+complete, HTTP TSA", await median_ms(lambda: external(remote), iterations)),
        ("verify_document (1 signature)", await median_ms(
            lambda: verify_document(signed, trust_roots=roots), iterations)),
        ("check_signer, OCSP in-process", await median_ms(lambda: check_signer(
            certificate, issuers=roots, source=in_process.revocation), iterations)),
        ("check_signer, OCSP over HTTP (certomancer)", await median_ms(lambda: check_signer(
            certificate, issuers=roots, source=served.revocation), iterations)),
        ("B-LT validation data, OCSP in-process", await median_ms(
            lambda: add_validation_data(signed, in_process), iterations)),
        ("B-LTA (data + archive ts + data), HTTP", await median_ms(
            lambda: add_archive_timestamp(signed, served), iterations)),
        ("verify_long_term at +4 years (offline)", await median_ms(
            lambda: verify_long_term(archived, trust_roots=roots, at=later), iterations)),
        ("raw ECDSA P-256 signature", await median_ms(raw, iterations * 10)),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--pki", type=Path, help="PKI directory (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pki = DevelopmentPki.create(args.pki or Path(tmp) / "pki")
        pki.person("38001085718", "Mari", "Maasikas")  # before certomancer reads the config
        with running_tsa(pki) as url:
            rows = asyncio.run(run(pki, args.iterations, url))
    size = len(render_commission_protocol(commission_protocol()).pdf)
    width = max(len(name) for name, _ in rows)
    print(f"{'operation':<{width}}  median ms  (n={args.iterations}, unsigned PDF {size} B)")
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:9.2f}")


if __name__ == "__main__":
    main()
