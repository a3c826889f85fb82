"""The signer certificate's revocation check: the one hook signing calls.

Called when a device signing starts and again right before the signature is embedded.
This is the place where the certificate's status is asked from the OCSP responder of its
issuer (a revoked or suspended certificate, or no answer in production, refuses signing);
until that lands it accepts every certificate that passed the other checks.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["check_signer_certificate"]


async def check_signer_certificate(certificate_der: bytes, *, at: dt.datetime) -> None:
    """Refuse a certificate that is revoked or suspended at ``at``.

    Args:
        certificate_der: The signer's certificate (DER; PEM accepted).
        at: The moment of the check (timezone-aware).

    Raises:
        SigningError: The certificate may not sign (revoked, suspended, status unknown).
    """
    del certificate_der, at
