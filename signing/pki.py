"""A development PKI kept as PEM files in one directory.

Layout of the directory (keys are 0600 and generated on this machine, never committed)::

    root.key.pem  root.cert.pem      self-signed root (EC P-384)
    tsa.key.pem   tsa.cert.pem       time-stamping unit, RSA (EKU timeStamping, critical)
    eseal.key.pem eseal.cert.pem     the system e-seal ("Eksamihaldus e-tempel")
    ocsp.key.pem  ocsp.cert.pem      the root's OCSP responder (EKU OCSPSigning, OCSP no-check)
    persons/<code>-<key>.{key,cert}.pem   person certificates, issued on demand
    revoked.json                     certificates revoked or suspended with :meth:`revoke`
    certomancer.yml                  serves the TSA, OCSP and the CRL: ``certomancer ... animate``

Certomancer reuses the certificates made here (``certificate-file``), so the TSA it serves
chains to the same root as every other certificate of this PKI.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from signing import _issuing
from signing._certomancer import (
    CERTOMANCER_ARCH,
    CERTOMANCER_OCSP,
    CERTOMANCER_TSA,
    write_certomancer_config,
)
from signing.errors import SigningError
from signing.qualified import QC_COMPLIANCE, QC_SSCD, qc_statements_extension

__all__ = [
    "CERTOMANCER_ARCH",
    "CERTOMANCER_OCSP",
    "CERTOMANCER_TSA",
    "OCSP_URL",
    "Credentials",
    "DevelopmentPki",
    "Revocation",
    "RevocationReason",
]

_ORGANISATION = "Eksamihaldus (arendus / development)"
_ESEAL_REGISTRY_CODE = "00000000"
_KEY_USAGE_NAMES = frozenset({"digital_signature", "non_repudiation"})

RevocationReason = Literal["key_compromise", "certificate_hold", "superseded"]
"""Reasons :meth:`DevelopmentPki.revoke` accepts; ``certificate_hold`` is a suspension."""


@dataclass(frozen=True)
class Revocation:
    """A certificate the development PKI revoked or suspended.

    Attributes:
        serial: The certificate's serial number.
        since: When it was revoked (UTC).
        reason: Why; ``certificate_hold`` means suspended.
    """

    serial: int
    since: dt.datetime
    reason: RevocationReason


@dataclass(frozen=True)
class Credentials:
    """A private key with its certificate and the issuer chain.

    Attributes:
        private_key_pem: PKCS#8 PEM, unencrypted.
        certificate_pem: The certificate, PEM.
        chain_pem: Issuer chain up to and including the root, PEM each.
    """

    private_key_pem: bytes
    certificate_pem: bytes
    chain_pem: tuple[bytes, ...]


OCSP_URL = f"http://127.0.0.1/{CERTOMANCER_ARCH}/ocsp/{CERTOMANCER_OCSP}"
"""The responder certificates of this PKI name (AIA): certomancer's path without a port, as
the served port changes; ``signing.revocation.HttpOcsp(url)`` asks a served one explicitly."""


def _names_responder(cert_path: Path) -> bool:
    """Certificates made before the PKI had an OCSP responder are made again."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    try:
        cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    except x509.ExtensionNotFound:
        return False
    return True


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


class DevelopmentPki:
    """Root, TSA, e-seal and person certificates for development and tests.

    Attributes:
        directory: Where the PEM files and the certomancer config live.
        root_certificate_pem: The root certificate, PEM.
        certomancer_config: Path of the certomancer YAML serving the TSA.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.root_certificate_pem = (directory / "root.cert.pem").read_bytes()
        self.certomancer_config = directory / "certomancer.yml"
        self._root_key_pem = (directory / "root.key.pem").read_bytes()

    @classmethod
    def create(cls, directory: Path) -> DevelopmentPki:
        """Load the PKI in ``directory``, creating whatever is missing.

        Idempotent: existing keys and certificates are kept. If the root is (re)created,
        every certificate below it is reissued.

        Args:
            directory: Folder to keep the PKI in (created if absent).

        Returns:
            The loaded PKI.
        """
        directory = directory.resolve()
        directory.mkdir(parents=True, exist_ok=True)
        root_key_path, root_cert_path = directory / "root.key.pem", directory / "root.cert.pem"
        new_root = not (root_key_path.exists() and root_cert_path.exists())
        now = _now()
        if new_root:
            root_key = _issuing.generate_key("ec-p384")
            root = _issuing.issue(
                subject=_issuing.simple_name(
                    "Eksamihaldus arendus-CA (development root)", _ORGANISATION
                ),
                public_key=root_key,
                issuer=None,
                issuer_key=root_key,
                not_before=now - dt.timedelta(days=1),
                not_after=now + dt.timedelta(days=20 * 365),
                key_usage=_issuing.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_cert_sign=True,
                    crl_sign=True,
                ),
                ca=True,
            )
            _issuing.write_private(root_key_path, _issuing.key_to_pem(root_key))
            _issuing.write_public(root_cert_path, _pem(root))
            shutil.rmtree(directory / "persons", ignore_errors=True)
        else:
            root_key = _issuing.key_from_pem(root_key_path.read_bytes())
            root = x509.load_pem_x509_certificate(root_cert_path.read_bytes())

        def ensure(
            name: str,
            key_type: str,
            subject: x509.Name,
            usage: _issuing.KeyUsage,
            eku: x509.ObjectIdentifier | None,
            years: int = 10,
        ) -> None:
            key_path, cert_path = directory / f"{name}.key.pem", directory / f"{name}.cert.pem"
            if (
                not new_root
                and key_path.exists()
                and cert_path.exists()
                and (eku == _issuing.OCSP_SIGNING or _names_responder(cert_path))
            ):
                return
            key = _issuing.generate_key(key_type)
            cert = _issuing.issue(
                subject=subject,
                public_key=key,
                issuer=root,
                issuer_key=root_key,
                not_before=now - dt.timedelta(days=1),
                not_after=min(now + dt.timedelta(days=years * 365), root.not_valid_after_utc),
                key_usage=usage,
                extended_key_usage=eku,
                ocsp_no_check=eku == _issuing.OCSP_SIGNING,
                ocsp_url=None if eku == _issuing.OCSP_SIGNING else OCSP_URL,
            )
            _issuing.write_private(key_path, _issuing.key_to_pem(key))
            _issuing.write_public(cert_path, _pem(cert))

        # RSA: pyHanko's in-process TSA (local_timestamper) signs with RSA only.
        ensure(
            "tsa",
            "rsa-2048",
            _issuing.simple_name("Eksamihaldus arendus-TSA (development TSA)", _ORGANISATION),
            _issuing.KeyUsage(digital_signature=True, content_commitment=False),
            _issuing.TIME_STAMPING,
        )
        ensure(
            "eseal",
            "ec-p256",
            _issuing.organisation_name(
                "Eksamihaldus e-tempel", _ORGANISATION, _ESEAL_REGISTRY_CODE
            ),
            _issuing.KeyUsage(digital_signature=True, content_commitment=True),
            None,
        )
        ensure(
            "ocsp",
            "ec-p256",
            _issuing.simple_name("Eksamihaldus arendus-OCSP (development OCSP)", _ORGANISATION),
            _issuing.KeyUsage(digital_signature=True, content_commitment=False),
            _issuing.OCSP_SIGNING,
            # as long as the root: its answers in archived documents must stay verifiable
            # after the TSA keys that come and go (see signing.ltv)
            years=20,
        )
        if new_root:
            (directory / "revoked.json").unlink(missing_ok=True)
        write_certomancer_config(directory, organisation=_ORGANISATION)
        return cls(directory)

    @classmethod
    def load(cls, directory: Path) -> DevelopmentPki:
        """Load an existing PKI.

        Args:
            directory: Folder made by :meth:`create`.

        Returns:
            The loaded PKI.

        Raises:
            SigningError: A file of the PKI is missing.
        """
        directory = directory.resolve()
        names = ("root", "tsa", "eseal")
        missing = [
            f"{n}.{kind}.pem"
            for n in names
            for kind in ("key", "cert")
            if not (directory / f"{n}.{kind}.pem").is_file()
        ]
        if not (directory / "certomancer.yml").is_file():
            missing.append("certomancer.yml")
        if missing:
            raise SigningError(
                "Arendus-PKI puudub / The development PKI is missing",
                detail=f"{directory}: missing {', '.join(missing)}; run `eksamihaldus pki init`",
            )
        return cls(directory)

    def _credentials(self, name: str) -> Credentials:
        return Credentials(
            private_key_pem=(self.directory / f"{name}.key.pem").read_bytes(),
            certificate_pem=(self.directory / f"{name}.cert.pem").read_bytes(),
            chain_pem=(self.root_certificate_pem,),
        )

    def tsa(self) -> Credentials:
        """The time-stamping unit's key and certificate (EKU timeStamping, critical)."""
        return self._credentials("tsa")

    def current_tsa(self) -> Credentials:
        """The TSA key in use: the newest made by :meth:`next_tsa`, else the first."""
        rolled = sorted(
            self.directory.glob("tsa-*.cert.pem"),
            key=lambda path: int(path.name.removeprefix("tsa-").removesuffix(".cert.pem")),
        )
        if not rolled:
            return self.tsa()
        return self._credentials(rolled[-1].name.removesuffix(".cert.pem"))

    def eseal(self) -> Credentials:
        """The system e-seal: organisation certificate "Eksamihaldus e-tempel"."""
        return self._credentials("eseal")

    def ocsp_responder(self) -> Credentials:
        """The OCSP responder's key and certificate (EKU OCSPSigning, OCSP no-check)."""
        return self._credentials("ocsp")

    def revoke(
        self,
        certificate_pem: bytes,
        reason: RevocationReason = "key_compromise",
        *,
        at: dt.datetime | None = None,
    ) -> None:
        """Revoke (or, with ``certificate_hold``, suspend) a certificate of this PKI.

        The OCSP answers of :mod:`signing.revocation` and the served CRL/OCSP (certomancer,
        after a restart) report it from ``at`` on.

        Args:
            certificate_pem: The certificate (PEM or DER).
            reason: Why.
            at: Since when (default: a minute ago, so a check made now sees it).
        """
        cert = x509.load_der_x509_certificate(_issuing.pem_to_der(certificate_pem))
        since = at or _now() - dt.timedelta(minutes=1)
        entries = {r.serial: r for r in self.revocations()}
        entries[cert.serial_number] = Revocation(cert.serial_number, since, reason)
        self._write_revocations(list(entries.values()))

    def release(self, certificate_pem: bytes) -> None:
        """Take a certificate off the revocation list (a suspension lifted).

        Args:
            certificate_pem: The certificate (PEM or DER).
        """
        cert = x509.load_der_x509_certificate(_issuing.pem_to_der(certificate_pem))
        self._write_revocations([r for r in self.revocations() if r.serial != cert.serial_number])

    def _write_revocations(self, entries: Collection[Revocation]) -> None:
        payload = [
            {"serial": str(r.serial), "since": r.since.isoformat(), "reason": r.reason}
            for r in entries
        ]
        _issuing.write_public(self.directory / "revoked.json", json.dumps(payload).encode())
        write_certomancer_config(self.directory, organisation=_ORGANISATION)

    def next_tsa(self, *, years: int = 12) -> Credentials:
        """Issue the time-stamping unit's next key and certificate, as a TSA rolls its key.

        Kept as ``tsa-<n>.{key,cert}.pem``; :meth:`tsa` still returns the first one.

        Args:
            years: Validity of the new certificate.

        Returns:
            The new TSA credentials.
        """
        number = 2 + len(list(self.directory.glob("tsa-*.cert.pem")))
        key = _issuing.generate_key("rsa-2048")
        now = _now()
        cert = _issuing.issue(
            subject=_issuing.simple_name(
                f"Eksamihaldus arendus-TSA {number} (development TSA)", _ORGANISATION
            ),
            public_key=key,
            issuer=x509.load_pem_x509_certificate(self.root_certificate_pem),
            issuer_key=_issuing.key_from_pem(self._root_key_pem),
            not_before=now - dt.timedelta(days=1),
            not_after=now + dt.timedelta(days=years * 365),
            key_usage=_issuing.KeyUsage(digital_signature=True, content_commitment=False),
            extended_key_usage=_issuing.TIME_STAMPING,
            ocsp_url=OCSP_URL,
        )
        _issuing.write_private(self.directory / f"tsa-{number}.key.pem", _issuing.key_to_pem(key))
        _issuing.write_public(self.directory / f"tsa-{number}.cert.pem", _pem(cert))
        write_certomancer_config(self.directory, organisation=_ORGANISATION)
        return self._credentials(f"tsa-{number}")

    def revocations(self) -> tuple[Revocation, ...]:
        """Every certificate revoked or suspended with :meth:`revoke`."""
        path = self.directory / "revoked.json"
        if not path.is_file():
            return ()
        return tuple(
            Revocation(int(e["serial"]), dt.datetime.fromisoformat(e["since"]), e["reason"])
            for e in json.loads(path.read_text())
        )

    def person(
        self,
        personal_code: str,
        first_name: str,
        last_name: str,
        *,
        key: str = "ec-p256",
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        key_usage: Collection[str] | None = None,
        qualified: bool = True,
    ) -> Credentials:
        """A person's signing certificate shaped like an Estonian ID-card one.

        Subject ``C=EE, CN=LAST,FIRST,CODE, SN=LAST, GN=FIRST, serialNumber=PNOEE-CODE``;
        key usage nonRepudiation only (as on the ID-card signing certificate).
        Certificates with default validity and key usage are cached on disk; the others
        (for tests of rejected certificates) are issued fresh every time.

        Args:
            personal_code: Estonian personal identification code.
            first_name: Given name.
            last_name: Surname.
            key: ``"ec-p256"``, ``"ec-p384"`` or ``"rsa-2048"``.
            not_before: Start of validity (default: yesterday).
            not_after: End of validity (default: in three years).
            key_usage: Names from ``{"digital_signature", "non_repudiation"}``
                (default: ``{"non_repudiation"}``).
            qualified: With the QCStatements of a qualified certificate (QcCompliance,
                QcSSCD), as every Estonian signing certificate has.

        Returns:
            The person's credentials.
        """
        if key not in _issuing.KEY_TYPES:
            raise ValueError(f"unknown key type {key!r}; expected one of {_issuing.KEY_TYPES}")
        usage_names = frozenset(key_usage if key_usage is not None else {"non_repudiation"})
        if not usage_names <= _KEY_USAGE_NAMES:
            raise ValueError(f"unknown key usage {sorted(usage_names - _KEY_USAGE_NAMES)}")
        cached = not_before is None and not_after is None and key_usage is None and qualified
        key_path = self.directory / "persons" / f"{personal_code}-{key}-q.key.pem"
        cert_path = key_path.with_name(f"{personal_code}-{key}-q.cert.pem")
        if cached and key_path.exists() and cert_path.exists() and _names_responder(cert_path):
            return Credentials(
                key_path.read_bytes(), cert_path.read_bytes(), (self.root_certificate_pem,)
            )
        now = _now()
        private_key = _issuing.generate_key(key)
        cert = _issuing.issue(
            subject=_issuing.person_name(personal_code, first_name, last_name),
            public_key=private_key,
            issuer=x509.load_pem_x509_certificate(self.root_certificate_pem),
            issuer_key=_issuing.key_from_pem(self._root_key_pem),
            ocsp_url=OCSP_URL,
            not_before=not_before or now - dt.timedelta(days=1),
            not_after=not_after or now + dt.timedelta(days=3 * 365),
            key_usage=_issuing.KeyUsage(
                digital_signature="digital_signature" in usage_names,
                content_commitment="non_repudiation" in usage_names,
            ),
            extra_extensions=(qc_statements_extension(QC_COMPLIANCE, QC_SSCD),)
            if qualified
            else (),
        )
        credentials = Credentials(
            _issuing.key_to_pem(private_key), _pem(cert), (self.root_certificate_pem,)
        )
        if cached:
            _issuing.write_private(key_path, credentials.private_key_pem)
            _issuing.write_public(cert_path, credentials.certificate_pem)
            write_certomancer_config(self.directory, organisation=_ORGANISATION)
        return credentials
