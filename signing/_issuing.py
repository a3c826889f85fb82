"""Key generation and X.509 issuing with ``cryptography`` for the development PKI."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

KEY_TYPES = ("ec-p256", "ec-p384", "rsa-2048")

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def generate_key(key_type: str) -> PrivateKey:
    """Generate a fresh private key of one of :data:`KEY_TYPES`."""
    if key_type == "ec-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "ec-p384":
        return ec.generate_private_key(ec.SECP384R1())
    if key_type == "rsa-2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError(f"unknown key type {key_type!r}; expected one of {KEY_TYPES}")


def pem_to_der(data: bytes) -> bytes:
    """The DER inside one PEM block; DER input is returned as is."""
    if data.lstrip().startswith(b"-----BEGIN"):
        _, _, der = pem.unarmor(data.strip())
        return bytes(der)
    return data


def key_to_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def key_from_pem(pem: bytes) -> PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise ValueError("unsupported private key type")
    return key


def write_private(path: Path, data: bytes) -> None:
    """Write a key file readable by the owner only (0600), replacing any old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def write_public(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@dataclass(frozen=True)
class KeyUsage:
    """The key usage bits a certificate gets; the defaults mimic an ID-card signing cert."""

    digital_signature: bool = False
    content_commitment: bool = True
    key_cert_sign: bool = False
    crl_sign: bool = False

    def extension(self) -> x509.KeyUsage:
        return x509.KeyUsage(
            digital_signature=self.digital_signature,
            content_commitment=self.content_commitment,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=self.key_cert_sign,
            crl_sign=self.crl_sign,
            encipher_only=False,
            decipher_only=False,
        )


def _hash_for(key: CertificateIssuerPrivateKeyTypes) -> hashes.SHA256 | hashes.SHA384:
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.key_size >= 384:
        return hashes.SHA384()
    return hashes.SHA256()


def issue(
    *,
    subject: x509.Name,
    public_key: PrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: PrivateKey,
    not_before: dt.datetime,
    not_after: dt.datetime,
    key_usage: KeyUsage,
    ca: bool = False,
    extended_key_usage: x509.ObjectIdentifier | None = None,
    ocsp_no_check: bool = False,
    ocsp_url: str | None = None,
    extra_extensions: tuple[x509.ExtensionType, ...] = (),
) -> x509.Certificate:
    """Issue a certificate for ``public_key``; ``issuer=None`` makes it self-signed."""
    public = public_key.public_key()
    issuer_name = subject if issuer is None else issuer.subject
    issuer_public = public if issuer is None else issuer_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(key_usage.extension(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public), critical=False
        )
    )
    if extended_key_usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([extended_key_usage]), critical=True)
    if ocsp_no_check:  # an OCSP responder's own certificate is not checked by OCSP (RFC 6960)
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    if ocsp_url is not None:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
                    )
                ]
            ),
            critical=False,
        )
    for extension in extra_extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(issuer_key, _hash_for(issuer_key))


def person_name(personal_code: str, first_name: str, last_name: str) -> x509.Name:
    """Subject of an Estonian ID-card signing certificate."""
    last, first = last_name.upper(), first_name.upper()
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "EE"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{last},{first},{personal_code}"),
            x509.NameAttribute(NameOID.SURNAME, last),
            x509.NameAttribute(NameOID.GIVEN_NAME, first),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"PNOEE-{personal_code}"),
        ]
    )


def organisation_name(common_name: str, organisation: str, registry_code: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "EE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, f"NTREE-{registry_code}"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def simple_name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "EE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


TIME_STAMPING = ExtendedKeyUsageOID.TIME_STAMPING
OCSP_SIGNING = ExtendedKeyUsageOID.OCSP_SIGNING
