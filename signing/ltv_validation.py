"""Validating a signed document as PAdES B-LTA at any moment, offline (ETSI EN 319 102-1).

What :mod:`signing.ltv` adds to a document is what this reads: the archive timestamps prove
when everything before them existed, and the certificates and OCSP answers in ``/DSS`` let
each signer's chain be validated at that past moment, after the certificates expired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    FreshnessReqType,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

from signing._issuing import pem_to_der
from signing.errors import DocumentUnreadable
from signing.modifications import DIFF_POLICY

__all__ = ["LongTermVerdict", "verify_long_term"]

_TSA_REVOCATION_FRESHNESS = dt.timedelta(days=50 * 365)


@dataclass(frozen=True)
class LongTermVerdict:
    """One signature validated at a chosen moment from what the document carries.

    Attributes:
        field_name: The signature field.
        valid: PAdES B-LTA validation passed (ETSI EN 319 102-1 § 5.6.3).
        indication: pyHanko's AdES (sub)indication, e.g. ``"AdESPassed.OK"``.
        best_signature_time: The earliest time the signature is proven to have existed.
    """

    field_name: str
    valid: bool
    indication: str
    best_signature_time: dt.datetime | None


async def verify_long_term(
    pdf: bytes, *, trust_roots: Sequence[bytes], at: dt.datetime
) -> tuple[LongTermVerdict, ...]:
    """Validate every signature as a B-LTA signature at ``at``, offline.

    Nothing is fetched: the signers' chains are validated in the past, at the time the
    document's timestamps prove, with the OCSP answers and certificates in its ``/DSS``, so a
    signer certificate that has expired since still validates. The newest archive timestamp
    is trusted at ``at`` by its TSA certificate's validity and chain (an offline
    validator cannot ask its TSA's responder: the answer the document carries counts);
    renew it before that certificate expires.

    Args:
        pdf: A signed document.
        trust_roots: Trust anchors (PEM or DER each).
        at: The validation moment, e.g. years after the signer's certificate expired.

    Returns:
        One verdict per signature, in document order.
    """
    anchors = SimpleTrustManager.build(
        [asn1_x509.Certificate.load(pem_to_der(root)) for root in trust_roots]
    )

    def policy(revocation: CertRevTrustPolicy) -> CertValidationPolicySpec:
        return CertValidationPolicySpec(trust_manager=anchors, revinfo_policy=revocation)

    required = RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
        intermediate_ca_cert_rule=RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
    )
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy(CertRevTrustPolicy(required)),
            # A timestamp's OCSP answer in the document is accepted however old: offline
            # there is no newer one for the newest timestamp, and older timestamps are
            # proven in the past by the next one.
            ts_cert_validation_policy=policy(
                CertRevTrustPolicy(
                    required,
                    freshness=_TSA_REVOCATION_FRESHNESS,
                    freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION,
                )
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        ),
        diff_policy=DIFF_POLICY,
    )
    timing = ValidationTimingInfo(at, at, point_in_time_validation=True)
    verdicts = []
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
    except Exception as e:  # pyHanko raises many kinds on damaged input
        raise DocumentUnreadable("CORRUPT", detail=f"{type(e).__name__}: {e}") from e
    for sig in reader.embedded_regular_signatures:
        result = await ades_lta_validation(sig, spec, timing_info=timing)
        verdicts.append(
            LongTermVerdict(
                field_name=str(sig.field_name),
                valid=result.ades_subindic == AdESPassed.OK,
                indication=str(result.ades_subindic),
                best_signature_time=result.best_signature_time,
            )
        )
    return tuple(verdicts)
