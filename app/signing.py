"""Signing chosen from settings: keys, timestamp authority and trusted roots.

Development and a first run: the development PKI in `EH_PKI_DIR` (created when missing)
gives every signer a server-held key, the e-seal and an in-process timestamp authority.
Production: the e-seal from files, a real TSA (`EH_TSA_URL`), the Estonian certification
authorities from the `esteid-certificates` package as trust roots, and people sign with
their own devices only.

Revocation: `EH_OCSP_URL` names one OCSP responder to ask about every certificate (e.g. the
development PKI served by certomancer); without it production asks the responder each
certificate names, and development answers in-process for the development PKI's own
certificates (and asks the named responder about others).
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import TypeVar

from app.settings import Settings
from integrations.sk.mobile_id import MobileIdClient, MobileIdConfig
from integrations.sk.smart_id import SmartIdClient, SmartIdConfig
from models.person import Person
from models.workflow.signing import SigningSetup
from signing.pki import Credentials, DevelopmentPki
from signing.revocation import DevelopmentOcsp, HttpOcsp, RevocationSource
from signing.timestamps import http_timestamper, local_timestamper


@lru_cache(maxsize=1)
def estonian_roots() -> tuple[bytes, ...]:
    """The Estonian certification authorities people sign with: the root CAs and the issuing
    CAs of ID-card (ESTEID2018, ESTEID2025), Mobile-ID and Smart-ID (SK ID Solutions EID-Q)
    and SK's timestamping units, from the `esteid-certificates` package. Signer certificates
    are issued by the issuing CAs, so those are anchors too. Test and demo CAs are left out."""
    import esteid_certificates

    issuers = [
        esteid_certificates.get_certificate(name)
        for name in esteid_certificates.ISSUER_CERTS
        if not name.upper().startswith(("TEST", "DEMO"))
    ]
    return (*esteid_certificates.get_root_certificates(), *issuers)


def phone_clients(settings: Settings) -> tuple[SmartIdClient | None, MobileIdClient | None]:
    """The Smart-ID and Mobile-ID clients the settings configure (None for each that is off)."""
    smart_id = mobile_id = None
    if settings.smart_id_url:
        smart_id = SmartIdClient(_sk_config(SmartIdConfig, settings, "smart_id"))
    if settings.mobile_id_url:
        mobile_id = MobileIdClient(_sk_config(MobileIdConfig, settings, "mobile_id"))
    return smart_id, mobile_id


C = TypeVar("C", SmartIdConfig, MobileIdConfig)


def _sk_config(kind: type[C], settings: Settings, prefix: str) -> C:
    tls = getattr(settings, f"{prefix}_tls_certificates")
    return kind(
        url=getattr(settings, f"{prefix}_url"),
        relying_party_uuid=getattr(settings, f"{prefix}_relying_party_uuid"),
        relying_party_name=getattr(settings, f"{prefix}_relying_party_name"),
        pinned_certificates=tls.read_bytes() if tls is not None else None,
        long_poll_ms=settings.signing_long_poll_ms,
    )


def signing_setup(settings: Settings) -> SigningSetup:
    pki = None
    if settings.server_signing or settings.trust_development_pki or not settings.eseal_key_file:
        pki = DevelopmentPki.create(settings.pki_dir)
    if settings.eseal_key_file and settings.eseal_certificate_file:
        eseal = Credentials(
            private_key_pem=settings.eseal_key_file.read_bytes(),
            certificate_pem=settings.eseal_certificate_file.read_bytes(),
            chain_pem=(),
        )
    else:
        assert pki is not None
        eseal = pki.eseal()
    if settings.tsa_url:
        timestamper = http_timestamper(settings.tsa_url)
    else:
        assert pki is not None
        timestamper = local_timestamper(pki, pki.current_tsa())
    roots: tuple[bytes, ...] = ()
    if pki is not None and settings.trust_development_pki:
        roots += (pki.root_certificate_pem,)
    if settings.production:
        roots += estonian_roots()

    def person_keys(person: Person) -> Credentials:
        assert pki is not None
        return pki.person(person.personal_code, person.first_name, person.last_name)

    revocation: RevocationSource = HttpOcsp(
        settings.ocsp_url, timeout=settings.ocsp_timeout_seconds
    )
    if pki is not None and settings.ocsp_url is None and not settings.production:
        revocation = DevelopmentOcsp(pki, others=revocation)
    smart_id, mobile_id = phone_clients(settings)
    return SigningSetup(
        smart_id=smart_id,
        mobile_id=mobile_id,
        timestamper=timestamper,
        trust_roots=roots,
        eseal=eseal,
        revocation=revocation,
        person_keys=person_keys if settings.server_signing and pki is not None else None,
        session_lifetime=timedelta(seconds=settings.signing_session_seconds),
        phone_start_wait=timedelta(milliseconds=settings.signing_start_wait_ms),
    )
