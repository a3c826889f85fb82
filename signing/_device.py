"""Checking a signature value returned by a signing device before it goes into the CMS."""

from __future__ import annotations

from asn1crypto import algos
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes

from signing.errors import SignatureInvalid, SigningError

SCHEMES = ("ecdsa", "pkcs1v15", "pss")

_HASHES: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def choose_scheme(public_key: CertificatePublicKeyTypes, requested: str | None) -> str:
    """ECDSA for EC keys; PKCS#1 v1.5 (default) or PSS for RSA keys."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        if requested not in (None, "ecdsa"):
            raise SigningError(detail=f"signature scheme {requested!r} does not fit an EC key")
        return "ecdsa"
    if isinstance(public_key, rsa.RSAPublicKey):
        if requested not in (None, "pkcs1v15", "pss"):
            raise SigningError(detail=f"signature scheme {requested!r} does not fit an RSA key")
        return requested or "pkcs1v15"
    raise SigningError(detail=f"unsupported key {type(public_key).__name__}")


def signature_mechanism(scheme: str, md_algorithm: str) -> algos.SignedDigestAlgorithm | None:
    """The SignerInfo signature algorithm; ``None`` lets pyHanko derive ``<md>_ecdsa``."""
    if scheme == "ecdsa":
        return None
    if scheme == "pkcs1v15":
        return algos.SignedDigestAlgorithm({"algorithm": f"{md_algorithm}_rsa"})
    digest_algorithm = algos.DigestAlgorithm({"algorithm": md_algorithm})
    params = algos.RSASSAPSSParams(
        {
            "hash_algorithm": digest_algorithm,
            "mask_gen_algorithm": algos.MaskGenAlgorithm(
                {"algorithm": "mgf1", "parameters": digest_algorithm}
            ),
            "salt_length": _HASHES[md_algorithm].digest_size,
            "trailer_field": "trailer_field_bc",
        }
    )
    return algos.SignedDigestAlgorithm({"algorithm": "rsassa_pss", "parameters": params})


def _ecdsa_der(public_key: ec.EllipticCurvePublicKey, signature: bytes) -> bytes:
    size = (public_key.curve.key_size + 7) // 8
    if len(signature) == 2 * size:  # raw r||s, as ID-card and Mobile-ID return it
        return bytes(algos.DSASignature.from_p1363(signature).dump())
    try:
        algos.DSASignature.load(signature, strict=True).native  # noqa: B018 - parse check
    except ValueError as e:
        raise SignatureInvalid(detail="ECDSA signature is neither raw r||s nor DER") from e
    return signature


def verified_cms_signature(
    public_key: CertificatePublicKeyTypes,
    scheme: str,
    md_algorithm: str,
    digest: bytes,
    signature: bytes,
) -> bytes:
    """Verify ``signature`` over ``digest``; return it in the encoding CMS wants.

    Raises:
        SignatureInvalid: The signature does not verify with the certificate's key.
    """
    hash_algorithm = _HASHES[md_algorithm]()
    prehashed = utils.Prehashed(hash_algorithm)
    try:
        if scheme == "ecdsa" and isinstance(public_key, ec.EllipticCurvePublicKey):
            der = _ecdsa_der(public_key, signature)
            public_key.verify(der, digest, ec.ECDSA(prehashed))
            return der
        if scheme in ("pkcs1v15", "pss") and isinstance(public_key, rsa.RSAPublicKey):
            pad: padding.AsymmetricPadding = (
                padding.PKCS1v15()
                if scheme == "pkcs1v15"
                else padding.PSS(
                    mgf=padding.MGF1(hash_algorithm), salt_length=hash_algorithm.digest_size
                )
            )
            public_key.verify(signature, digest, pad, prehashed)
            return signature
    except InvalidSignature as e:
        raise SignatureInvalid(detail=f"{scheme} signature does not verify") from e
    raise SignatureInvalid(detail=f"scheme {scheme} does not fit {type(public_key).__name__}")
