"""The register's home-page figures (seed 000), against hand-counted rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.certificate import Certificate
from models.clock import today
from models.enums import CertificateKind
from models.standard import PartialQualification
from tests.factories import create_awarding_body, create_person, create_standard

FIGURES = """
{ statistics { validStandards occupationalAreas certificatesIssued certificatesValid
               partialCertificatesIssued schoolLeavingQualifications } }
"""


async def test_home_page_figures_count_each_kind_of_record_once(api):
    day = today()
    # Given: valid standards in two areas (one code with two overlapping versions), an
    # expired and an upcoming one.
    welder = await create_standard(code="K1", version=1, occupational_area="Keevitus")
    await create_standard(code="K1", version=2, occupational_area="Keevitus")
    await create_standard(code="IT", occupational_area="IKT")
    await create_standard(
        code="OLD",
        occupational_area="Toitlustus",
        valid_from=day - timedelta(days=2000),
        valid_until=day - timedelta(days=1),
    )
    await create_standard(
        code="NEW", occupational_area="Ehitus", valid_from=day + timedelta(days=1)
    )
    partial = await PartialQualification.create(standard=welder, name="Käsikaarkeevitus")
    body = await create_awarding_body()
    number = iter(range(1, 100))

    async def certificate(kind: CertificateKind, *, school: bool, expired: bool = False) -> None:
        await Certificate.create(
            register_number=next(number),
            kind=kind,
            person=await create_person(),
            standard=welder,
            partial_qualification=partial if kind is CertificateKind.PARTIAL_CERTIFICATE else None,
            awarding_body=body,
            ekr_level=4,
            valid_from=day - timedelta(days=2000 if expired else 10),
            valid_until=day - timedelta(days=1) if expired else day + timedelta(days=1000),
            on_school_leaving_document=school,
            issued_at=datetime.now(UTC),
        )

    # Certificates: 3 issued, of which 2 valid; 2 partial certificates; on school-leaving
    # documents: 2 full and 1 partial (these are not certificates as well).
    await certificate(CertificateKind.CERTIFICATE, school=False)
    await certificate(CertificateKind.CERTIFICATE, school=False)
    await certificate(CertificateKind.CERTIFICATE, school=False, expired=True)
    await certificate(CertificateKind.PARTIAL_CERTIFICATE, school=False)
    await certificate(CertificateKind.PARTIAL_CERTIFICATE, school=False, expired=True)
    await certificate(CertificateKind.CERTIFICATE, school=True)
    await certificate(CertificateKind.CERTIFICATE, school=True, expired=True)
    await certificate(CertificateKind.PARTIAL_CERTIFICATE, school=True)

    # When the public asks
    result = await api.query(FIGURES)

    # Then
    assert result["data"] == {
        "statistics": {
            "validStandards": 2,
            "occupationalAreas": 2,
            "certificatesIssued": 3,
            "certificatesValid": 2,
            "partialCertificatesIssued": 2,
            "schoolLeavingQualifications": 3,
        }
    }


async def test_an_empty_register_has_zero_figures(api):
    result = await api.query(FIGURES)

    assert set(result["data"]["statistics"].values()) == {0}
