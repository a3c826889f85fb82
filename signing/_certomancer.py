"""The certomancer config serving the development PKI's TSA, OCSP responder and CRL over HTTP.

``certomancer --config DIR/certomancer.yml animate --aiohttp --port N`` then answers RFC 3161
requests at ``http://127.0.0.1:N/eksamihaldus/tsa/tsa``, OCSP requests about certificates of
the root at ``/eksamihaldus/ocsp/root`` and serves the root's CRL at
``/eksamihaldus/crls/root/latest.crl``. The certificates are the ones made by
:mod:`signing.pki` (``certificate-file``), so everything chains to the same root; person
certificates and revocations are listed as they exist when the config is written (the
server reads it when it starts).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from cryptography import x509

from signing import _issuing

CERTOMANCER_ARCH = "eksamihaldus"
"""PKI architecture label in the certomancer config; the TSA answers at ``/<arch>/tsa/<label>``."""
CERTOMANCER_TSA = "tsa"
CERTOMANCER_OCSP = "root"
"""The OCSP responder answers at ``/<arch>/ocsp/<label>``, the CRL at ``/<arch>/crls/<label>``."""


_TIME = "%Y-%m-%dT%H:%M:%S+0000"


def _validity(cert: x509.Certificate) -> dict[str, str]:
    return {
        "valid-from": cert.not_valid_before_utc.strftime(_TIME),
        "valid-to": cert.not_valid_after_utc.strftime(_TIME),
    }


def _revocations(directory: Path) -> dict[int, dict[str, str]]:
    path = directory / "revoked.json"
    if not path.is_file():
        return {}
    return {
        int(entry["serial"]): {
            "revoked-since": dt.datetime.fromisoformat(entry["since"]).strftime(_TIME),
            "reason": entry["reason"],
        }
        for entry in json.loads(path.read_text())
    }


def write_certomancer_config(directory: Path, *, organisation: str) -> None:
    """Describe root, TSA, OCSP responder and person certificates for certomancer."""
    files = {name: f"{name}.cert.pem" for name in ("root", "tsa", "ocsp", "eseal")}
    files |= {
        path.name.removesuffix(".cert.pem"): path.name
        for path in sorted(directory.glob("tsa-*.cert.pem"))
    }
    files |= {
        f"person-{path.name.removesuffix('.cert.pem')}": f"persons/{path.name}"
        for path in sorted((directory / "persons").glob("*.cert.pem"))
    }
    certs = {
        name: x509.load_pem_x509_certificate((directory / file).read_bytes())
        for name, file in files.items()
    }
    revoked = _revocations(directory)
    config: dict[str, Any] = {
        "external-url-prefix": "http://127.0.0.1",
        "keysets": {
            CERTOMANCER_ARCH: {
                "path-prefix": str(directory),
                "keys": {
                    name: {"path": file.replace(".cert.pem", ".key.pem")}
                    for name, file in files.items()
                },
            }
        },
        "pki-architectures": {
            CERTOMANCER_ARCH: {
                "keyset": CERTOMANCER_ARCH,
                "entity-defaults": {"country-name": "EE", "organization-name": organisation},
                "entities": {
                    name: {
                        "common-name": cert.subject.get_attributes_for_oid(
                            x509.NameOID.COMMON_NAME
                        )[0].value
                    }
                    for name, cert in certs.items()
                },
                "certs": {
                    "root": {
                        "subject": "root",
                        "issuer": "root",
                        "certificate-file": str(directory / "root.cert.pem"),
                        "validity": _validity(certs["root"]),
                    },
                    **{
                        name: {
                            "subject": name,
                            "issuer": "root",
                            "certificate-file": str(directory / files[name]),
                            "validity": _validity(cert),
                            **(
                                {"revocation": revoked[cert.serial_number]}
                                if cert.serial_number in revoked
                                else {}
                            ),
                        }
                        for name, cert in certs.items()
                        if name != "root"
                    },
                },
                "services": {
                    "time-stamping": {
                        CERTOMANCER_TSA: {"signing-key": "tsa", "signing-cert": "tsa"},
                    },
                    "ocsp": {
                        CERTOMANCER_OCSP: {
                            "for-issuer": "root",
                            "responder-cert": "ocsp",
                            "signing-key": "ocsp",
                        }
                    },
                    "crl-repo": {
                        CERTOMANCER_OCSP: {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P1D",
                        }
                    },
                },
            }
        },
    }
    text = "# Generated by signing.pki.DevelopmentPki.create; regenerated on every run.\n"
    text += yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    _issuing.write_public(directory / "certomancer.yml", text.encode())
