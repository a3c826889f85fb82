"""The requests every Smart-ID or Mobile-ID signature makes of SK, whatever is signed (a
protocol, an appeal decision): is the method on and the number usable, whose certificate,
then the hash to the phone. SK's errors become the user-error code they stand for."""

from __future__ import annotations

from dataclasses import dataclass

from integrations.sk.common import SkError
from integrations.sk.mobile_id import valid_phone
from integrations.sk.smart_id import SmartIdSigner
from models.enums import SignatureMethod
from models.workflow.errors import fail
from models.workflow.signing import SigningSetup
from signing.pades import PreparedSignature


@dataclass(frozen=True)
class PhoneSigner:
    """Who signs on which phone, and their signing certificate (DER) as SK gave it."""

    method: SignatureMethod
    personal_code: str
    certificate: bytes
    phone: str | None = None  # Mobile-ID
    account: SmartIdSigner | None = None  # Smart-ID


def usable_phone(
    setup: SigningSetup, method: SignatureMethod, phone_number: str | None
) -> str | None:
    """The method is configured (SIGNING_METHOD_UNAVAILABLE) and, for Mobile-ID, the phone
    number is an Estonian one (INVALID_PHONE_NUMBER); returns it normalised."""
    if (method is SignatureMethod.SMART_ID and setup.smart_id is None) or (
        method is SignatureMethod.MOBILE_ID and setup.mobile_id is None
    ):
        raise fail("SIGNING_METHOD_UNAVAILABLE", ["method"])
    if method is not SignatureMethod.MOBILE_ID:
        return None
    phone = valid_phone(phone_number or "")
    if phone is None:
        raise fail("INVALID_PHONE_NUMBER", ["phoneNumber"])
    return phone


async def phone_signer(
    setup: SigningSetup, method: SignatureMethod, personal_code: str, phone: str | None
) -> PhoneSigner:
    """Ask SK for the person's qualified signing certificate (Smart-ID certificate choice,
    Mobile-ID /certificate)."""
    try:
        if method is SignatureMethod.SMART_ID:
            assert setup.smart_id is not None
            account = await setup.smart_id.signer(personal_code)
            return PhoneSigner(method, personal_code, account.certificate, account=account)
        assert setup.mobile_id is not None
        assert phone is not None
        certificate = await setup.mobile_id.certificate(phone, personal_code)
        return PhoneSigner(method, personal_code, certificate, phone=phone)
    except SkError as error:
        raise fail(error.code, ["method"]) from error


async def send_to_phone(
    setup: SigningSetup, signer: PhoneSigner, prepared: PreparedSignature, display_text: str
) -> tuple[str, str]:
    """Send the hash to the person's phone; returns SK's session id and the verification
    code to show."""
    try:
        if signer.account is not None:
            assert setup.smart_id is not None
            return await setup.smart_id.start_signature(
                signer.account, prepared.digest, prepared.hash_function, display_text
            )
        assert setup.mobile_id is not None
        assert signer.phone is not None
        return await setup.mobile_id.start_signature(
            signer.phone,
            signer.personal_code,
            prepared.digest,
            prepared.hash_function,
            display_text,
        )
    except SkError as error:
        raise fail(error.code, ["method"]) from error
