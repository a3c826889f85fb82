"""The one error hierarchy that escapes ``signing``.

Every error carries a stable ``code`` for API payloads and a bilingual message people can read
(Estonian first, English after a slash). ``detail`` keeps the technical cause for logs.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

__all__ = [
    "CertificateRejected",
    "CertificateRejectionReason",
    "CertificateRevoked",
    "CertificateRevokedReason",
    "DocumentUnreadable",
    "DocumentUnreadableReason",
    "RevocationUnavailable",
    "SessionExpired",
    "SignatureInvalid",
    "SigningError",
    "TimestampUnavailable",
]

CertificateRejectionReason = Literal[
    "EXPIRED",
    "NOT_YET_VALID",
    "KEY_USAGE",
    "UNTRUSTED",
    "MALFORMED",
    "UNSUPPORTED_KEY",
    "NOT_QUALIFIED",
]
CertificateRevokedReason = Literal["REVOKED", "SUSPENDED"]
DocumentUnreadableReason = Literal["NOT_A_PDF", "CORRUPT", "TOO_LARGE", "ENCRYPTED"]


class SigningError(Exception):
    """Base of every error raised by ``signing``.

    Attributes:
        code: Stable machine-readable code, e.g. ``"SIGNATURE_INVALID"``.
        message: Text for people, Estonian / English.
        detail: Technical cause for logs, or ``None``.
    """

    code: ClassVar[str] = "SIGNING_FAILED"
    default_message: ClassVar[str] = "Allkirjastamine ebaõnnestus / Signing failed"

    def __init__(self, message: str | None = None, *, detail: str | None = None) -> None:
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(self.message if detail is None else f"{self.message} ({detail})")

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt as raised, whatever a subclass's constructor takes: errors cross from the
        # processes that do document work (signing.workers).
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[SigningError], args: tuple[Any, ...], state: dict[str, Any]) -> SigningError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


_CERTIFICATE_MESSAGES: dict[str, str] = {
    "EXPIRED": "Sertifikaat on aegunud / The certificate has expired",
    "NOT_YET_VALID": "Sertifikaat ei kehti veel / The certificate is not valid yet",
    "KEY_USAGE": (
        "Sertifikaat ei ole mõeldud allkirjastamiseks / "
        "The certificate is not meant for signing (no non-repudiation)"
    ),
    "UNTRUSTED": (
        "Sertifikaadi väljaandja ei ole usaldusväärne / The certificate issuer is not trusted"
    ),
    "MALFORMED": "Sertifikaati ei saa lugeda / The certificate cannot be read",
    "NOT_QUALIFIED": (
        "Sertifikaat ei ole kvalifitseeritud / The certificate is not a qualified certificate"
    ),
    "UNSUPPORTED_KEY": (
        "Sertifikaadi võtme tüüpi ei toetata / The certificate key type is not supported"
    ),
}


class CertificateRejected(SigningError):
    """The signer's certificate cannot be used to sign.

    Attributes:
        reason: One of ``EXPIRED``, ``NOT_YET_VALID``, ``KEY_USAGE``, ``UNTRUSTED``,
            ``MALFORMED``, ``UNSUPPORTED_KEY``, ``NOT_QUALIFIED``.
    """

    code: ClassVar[str] = "CERTIFICATE_REJECTED"

    def __init__(self, reason: CertificateRejectionReason, *, detail: str | None = None) -> None:
        self.reason: CertificateRejectionReason = reason
        super().__init__(_CERTIFICATE_MESSAGES[reason], detail=detail)


class SignatureInvalid(SigningError):
    """The signature value returned by the signing device does not verify."""

    code: ClassVar[str] = "SIGNATURE_INVALID"
    default_message: ClassVar[str] = "Allkiri ei ole kehtiv / The signature is not valid"


class SessionExpired(SigningError):
    """A prepared signing session is too old to complete (raised by callers)."""

    code: ClassVar[str] = "SESSION_EXPIRED"
    default_message: ClassVar[str] = (
        "Allkirjastamise seanss on aegunud / The signing session has expired"
    )


_DOCUMENT_MESSAGES: dict[str, str] = {
    "NOT_A_PDF": "Fail ei ole PDF / The file is not a PDF",
    "CORRUPT": "PDF-fail on vigane / The PDF file is damaged",
    "TOO_LARGE": "Fail on liiga suur / The file is too large",
    "ENCRYPTED": "PDF-fail on krüpteeritud / The PDF file is encrypted",
}


class DocumentUnreadable(SigningError):
    """The document cannot be read as an (unencrypted, reasonably sized) PDF.

    Attributes:
        reason: One of ``NOT_A_PDF``, ``CORRUPT``, ``TOO_LARGE``, ``ENCRYPTED``.
    """

    code: ClassVar[str] = "DOCUMENT_UNREADABLE"

    def __init__(self, reason: DocumentUnreadableReason, *, detail: str | None = None) -> None:
        self.reason: DocumentUnreadableReason = reason
        super().__init__(_DOCUMENT_MESSAGES[reason], detail=detail)


class TimestampUnavailable(SigningError):
    """The time-stamping authority did not answer or gave an unusable answer."""

    code: ClassVar[str] = "TIMESTAMP_UNAVAILABLE"
    default_message: ClassVar[str] = (
        "Ajatempli teenus ei ole kättesaadav / The timestamp service is unavailable"
    )


_REVOKED_MESSAGES: dict[str, str] = {
    "REVOKED": "Sertifikaat on tühistatud / The certificate has been revoked",
    "SUSPENDED": "Sertifikaat on peatatud / The certificate has been suspended",
}


class CertificateRevoked(SigningError):
    """The OCSP responder says the signer's certificate is revoked or suspended.

    Attributes:
        reason: ``REVOKED`` or ``SUSPENDED`` (certificate hold).
    """

    code: ClassVar[str] = "CERTIFICATE_REVOKED"

    def __init__(self, reason: CertificateRevokedReason, *, detail: str | None = None) -> None:
        self.reason: CertificateRevokedReason = reason
        super().__init__(_REVOKED_MESSAGES[reason], detail=detail)


class RevocationUnavailable(SigningError):
    """No trustworthy answer on whether a certificate is revoked: signing is refused."""

    code: ClassVar[str] = "REVOCATION_UNAVAILABLE"
    default_message: ClassVar[str] = (
        "Sertifikaadi kehtivust ei õnnestunud kontrollida / "
        "The certificate's revocation status could not be checked"
    )
