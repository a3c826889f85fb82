"""User errors: expected failures returned as data with a stable code."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from schema.describe import described_enum


class ErrorCode(StrEnum):
    """Stable codes of user errors. A new code goes here and into ERROR_CODE_DESCRIPTIONS."""

    INVALID_PERSONAL_CODE = "INVALID_PERSONAL_CODE"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    GROUP_FULL = "GROUP_FULL"
    INVALID_STATE = "INVALID_STATE"
    STALE_VERSION = "STALE_VERSION"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    COMMENT_REQUIRED = "COMMENT_REQUIRED"
    SCHEDULE_CONFLICT = "SCHEDULE_CONFLICT"
    DUPLICATE_EXAM = "DUPLICATE_EXAM"
    SIGNATURE_INVALID = "SIGNATURE_INVALID"
    INVALID_INPUT = "INVALID_INPUT"
    NO_PARTICIPANTS = "NO_PARTICIPANTS"
    NOT_IN_GROUP = "NOT_IN_GROUP"
    REASON_REQUIRED = "REASON_REQUIRED"
    NOT_LINKED = "NOT_LINKED"
    GROUP_HAS_NO_FREE_PLACES = "GROUP_HAS_NO_FREE_PLACES"
    COMMITTEE_INCOMPLETE = "COMMITTEE_INCOMPLETE"
    PERSON_MISMATCH = "PERSON_MISMATCH"
    PERSON_UNKNOWN = "PERSON_UNKNOWN"
    RESULTS_MISSING = "RESULTS_MISSING"
    PROTOCOL_SIGNED = "PROTOCOL_SIGNED"
    NOT_A_SIGNER = "NOT_A_SIGNER"
    ALREADY_SIGNED = "ALREADY_SIGNED"
    CERTIFICATE_REJECTED = "CERTIFICATE_REJECTED"
    CERTIFICATE_NOT_SIGNERS = "CERTIFICATE_NOT_SIGNERS"
    SESSION_EXPIRED = "SESSION_EXPIRED"
    DOCUMENT_CHANGED = "DOCUMENT_CHANGED"
    TIMESTAMP_UNAVAILABLE = "TIMESTAMP_UNAVAILABLE"
    CERTIFICATE_REVOKED = "CERTIFICATE_REVOKED"
    REVOCATION_UNAVAILABLE = "REVOCATION_UNAVAILABLE"
    SERVER_SIGNING_DISABLED = "SERVER_SIGNING_DISABLED"
    DOCUMENT_UNREADABLE = "DOCUMENT_UNREADABLE"
    SIGNING_FAILED = "SIGNING_FAILED"
    RATE_EXISTS = "RATE_EXISTS"
    RATE_NOT_NEWER = "RATE_NOT_NEWER"
    DATE_IN_PAST = "DATE_IN_PAST"
    SHORT_NOTICE = "SHORT_NOTICE"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    APPEAL_DEADLINE_PASSED = "APPEAL_DEADLINE_PASSED"
    APPEAL_EXISTS = "APPEAL_EXISTS"
    ATTACHMENT_NOT_PDF = "ATTACHMENT_NOT_PDF"
    ATTACHMENT_TOO_LARGE = "ATTACHMENT_TOO_LARGE"
    TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
    SIGNING_METHOD_UNAVAILABLE = "SIGNING_METHOD_UNAVAILABLE"
    INVALID_PHONE_NUMBER = "INVALID_PHONE_NUMBER"
    SIGNING_ACCOUNT_NOT_FOUND = "SIGNING_ACCOUNT_NOT_FOUND"
    SIGNING_REFUSED = "SIGNING_REFUSED"
    SIGNING_TIMEOUT = "SIGNING_TIMEOUT"
    WRONG_VERIFICATION_CODE = "WRONG_VERIFICATION_CODE"
    SMART_ID_DOCUMENT_UNUSABLE = "SMART_ID_DOCUMENT_UNUSABLE"
    SMART_ID_NO_QUALIFIED_ACCOUNT = "SMART_ID_NO_QUALIFIED_ACCOUNT"
    SMART_ID_ACCOUNT_ACTION_NEEDED = "SMART_ID_ACCOUNT_ACTION_NEEDED"
    SMART_ID_APP_UNSUPPORTED = "SMART_ID_APP_UNSUPPORTED"
    MOBILE_ID_PHONE_ABSENT = "MOBILE_ID_PHONE_ABSENT"
    MOBILE_ID_DELIVERY_ERROR = "MOBILE_ID_DELIVERY_ERROR"
    MOBILE_ID_SIM_ERROR = "MOBILE_ID_SIM_ERROR"
    SIGNING_SERVICE_UNAUTHORIZED = "SIGNING_SERVICE_UNAUTHORIZED"
    SIGNING_CLIENT_OUTDATED = "SIGNING_CLIENT_OUTDATED"
    SIGNING_SERVICE_MAINTENANCE = "SIGNING_SERVICE_MAINTENANCE"
    SIGNING_SERVICE_UNAVAILABLE = "SIGNING_SERVICE_UNAVAILABLE"
    SIGNING_SERVICE_ERROR = "SIGNING_SERVICE_ERROR"
    SESSION_FINISHED = "SESSION_FINISHED"
    SIGNING_INTERRUPTED = "SIGNING_INTERRUPTED"


# What each code means and what a client should do about it.
ERROR_CODE_DESCRIPTIONS: dict[ErrorCode, str] = {
    ErrorCode.INVALID_PERSONAL_CODE: "The personal identification code is malformed or its "
    "check digit is wrong. Ask the user to correct it.",
    ErrorCode.NOT_ELIGIBLE: "The student may not be added to this exam; the message names "
    "the reason. Show it; pick another student.",
    ErrorCode.GROUP_FULL: "The group has fewer free places than needed. Raise the group's "
    "limit or choose another group.",
    ErrorCode.INVALID_STATE: "The exam (or protocol) is in a state where this cannot be "
    "done. Reload it and offer only the actions its state allows.",
    ErrorCode.STALE_VERSION: "Someone changed the object since it was read. Reload it, show "
    "the user the current values, and send the new `version`.",
    ErrorCode.NOT_FOUND: "No such object, or not one the active role may see. Do not retry; "
    "check the ID and the active role.",
    ErrorCode.FORBIDDEN: "The active role may not do this. Hide the action for this role, or "
    "switch roles with roleSelect.",
    ErrorCode.COMMENT_REQUIRED: "A participant has special needs (HEV), so the exam needs a "
    "comment for the awarding body. Ask for one and submit again.",
    ErrorCode.SCHEDULE_CONFLICT: "The date is a Sunday or a public holiday, or a participant "
    "has another exam that day. Choose another date.",
    ErrorCode.DUPLICATE_EXAM: "An exam of the same curriculum is already at this date, time "
    "and place. Change the time or the place.",
    ErrorCode.SIGNATURE_INVALID: "The device's signature does not match the hash and the "
    "certificate. Start the signing again.",
    ErrorCode.INVALID_INPUT: "An input value is malformed, too long or out of range; `field` "
    "names it. Correct the value.",
    ErrorCode.NO_PARTICIPANTS: "The exam has no participants. Add participants first.",
    ErrorCode.NOT_IN_GROUP: "Some participants are in no group. Distribute them into groups first.",
    ErrorCode.REASON_REQUIRED: "A reason must be given (returning, cancelling, an appeal and its "
    "decision). Ask the user "
    "for one.",
    ErrorCode.NOT_LINKED: "The curriculum is not linked to the standard in EHIS, or the "
    "standard has no awarding body. Choose another curriculum or standard.",
    ErrorCode.GROUP_HAS_NO_FREE_PLACES: "No group has a free place for a retaker or applicant. "
    "Raise a group's limit or add a group.",
    ErrorCode.COMMITTEE_INCOMPLETE: "An assessment committee needs a chair and enough other "
    "members. Complete the committee.",
    ErrorCode.PERSON_MISMATCH: "The population register has another name under this personal "
    "code. Check the code and the name.",
    ErrorCode.PERSON_UNKNOWN: "The population register does not know this personal code. "
    "Check the code.",
    ErrorCode.RESULTS_MISSING: "Some participants have no result yet. Record every result "
    "before drawing up the protocol.",
    ErrorCode.PROTOCOL_SIGNED: "Someone has signed the protocol, so its results are final. "
    "Nothing can be changed; an appeal is the way to correct it.",
    ErrorCode.NOT_A_SIGNER: "The person is not one of the protocol's designated signers. Do "
    "not offer signing to them.",
    ErrorCode.ALREADY_SIGNED: "The person has already signed this protocol. Reload it.",
    ErrorCode.CERTIFICATE_REJECTED: "The certificate cannot sign (untrusted issuer, expired, "
    "no non-repudiation usage); the message says why. Use another certificate or device.",
    ErrorCode.CERTIFICATE_NOT_SIGNERS: "The certificate belongs to someone else. The signer "
    "must use their own card or phone.",
    ErrorCode.SESSION_EXPIRED: "The signing session has expired or is finished. Start the "
    "signing again.",
    ErrorCode.DOCUMENT_CHANGED: "Someone else signed the document meanwhile. Start the "
    "signing again to sign the new revision.",
    ErrorCode.TIMESTAMP_UNAVAILABLE: "The timestamp authority did not answer; nothing was "
    "signed. Retry later.",
    ErrorCode.CERTIFICATE_REVOKED: "The certification authority's OCSP responder says the "
    "certificate is revoked or suspended; nothing was signed. Use another certificate or "
    "device.",
    ErrorCode.REVOCATION_UNAVAILABLE: "Whether the certificate is revoked could not be checked "
    "(the OCSP responder did not answer, or its answer cannot be trusted); nothing was signed. "
    "Retry later.",
    ErrorCode.SERVER_SIGNING_DISABLED: "Signing with server-held keys is off (production). "
    "Sign with an ID-card, Mobile-ID or Smart-ID.",
    ErrorCode.DOCUMENT_UNREADABLE: "The file is not a readable PDF (not a PDF, damaged, "
    "encrypted or too large); `problem` says which. Send another file.",
    ErrorCode.SIGNING_FAILED: "The signature could not be made for a reason on the server's "
    "side; nothing was stored. Retry; report it if it persists.",
    ErrorCode.RATE_EXISTS: "A rate for this curriculum group and exam type from that day "
    "already exists. Supersede it instead.",
    ErrorCode.RATE_NOT_NEWER: "A superseding rate must take effect after the current one. "
    "Choose a later date.",
    ErrorCode.DATE_IN_PAST: "A graduation date or exam day is before today (in Estonia), where "
    "it is set or where the exam moves on (submission, acceptance). Choose today or a later "
    "day; reschedule the group first.",
    ErrorCode.APPEAL_DEADLINE_PASSED: "The appeal period (the awarding body's setting, counted "
    "from the announcement) is over; the message names its last day. Nothing was filed.",
    ErrorCode.APPEAL_EXISTS: "An appeal against the same result or decision of this "
    "participant is still open. Wait for its decision or withdraw it first.",
    ErrorCode.ATTACHMENT_NOT_PDF: "An attachment is not a PDF file; `field` names it. Send "
    "PDFs only.",
    ErrorCode.ATTACHMENT_TOO_LARGE: "An attachment is larger than the limit "
    "(EH_APPEAL_ATTACHMENT_MAX_BYTES); `field` names it. Send a smaller file.",
    ErrorCode.SHORT_NOTICE: "A warning, never a refusal: the exam day is less than a month "
    "ahead, and the exam schedule should be public a month ahead (seed 004). Make sure the "
    "participants know.",
    ErrorCode.UNAUTHENTICATED: "No valid access token: none was sent where one is needed (also "
    "in `extensions.code` of a GraphQL error; an invalid or expired token is an HTTP 401 with "
    "the same code), or, on a live-update socket, the token expired or the role it names was "
    "withdrawn (the socket is closed with code 4401 and this reason). Sign in and send the "
    "token as `Authorization: Bearer ...` (in `connection_init` on a socket).",
    ErrorCode.TOO_MANY_SUBSCRIPTIONS: "The live-update socket already carries as many "
    "subscriptions as the server allows (EH_WS_MAX_SUBSCRIPTIONS). Complete one you no longer "
    "need, or open another socket.",
    ErrorCode.SIGNING_METHOD_UNAVAILABLE: (
        "This server has no connection to that signing service (not configured). Use "
        "another method."
    ),
    ErrorCode.INVALID_PHONE_NUMBER: (
        "The phone number is not a Mobile-ID number (+372 or +370 and 7-8 digits). Ask "
        "the user to correct it."
    ),
    ErrorCode.SIGNING_ACCOUNT_NOT_FOUND: (
        "The person has no Smart-ID account, or is not a Mobile-ID client with this "
        "number. Use another method."
    ),
    ErrorCode.SIGNING_REFUSED: (
        "The signer refused or cancelled on the phone; nothing was signed. Start again if"
        " it was a mistake."
    ),
    ErrorCode.SIGNING_TIMEOUT: (
        "The signer did not answer on the phone in time; nothing was signed. Start again."
    ),
    ErrorCode.WRONG_VERIFICATION_CODE: (
        "The signer chose a wrong verification code in the Smart-ID app; nothing was "
        "signed. Start again and compare the code shown."
    ),
    ErrorCode.SMART_ID_DOCUMENT_UNUSABLE: (
        "The Smart-ID account cannot sign now; the person should open the Smart-ID app or"
        " the self-service portal."
    ),
    ErrorCode.SMART_ID_NO_QUALIFIED_ACCOUNT: (
        "The person has no qualified Smart-ID account (SK: NO_SUITABLE_ACCOUNT_FOUND, or 471 in "
        "older API versions); a qualified signature "
        "needs one. Use another method."
    ),
    ErrorCode.SMART_ID_ACCOUNT_ACTION_NEEDED: (
        "Smart-ID needs the person's attention first (SK 472): nothing was signed. Ask them "
        "to open the Smart-ID app or the self-service portal, then start again."
    ),
    ErrorCode.SMART_ID_APP_UNSUPPORTED: (
        "The person's Smart-ID app cannot show this signing request; it must be updated."
    ),
    ErrorCode.MOBILE_ID_PHONE_ABSENT: (
        "The phone could not be reached (off or out of coverage). Try again later."
    ),
    ErrorCode.MOBILE_ID_DELIVERY_ERROR: (
        "The request could not be delivered to the phone. Try again."
    ),
    ErrorCode.MOBILE_ID_SIM_ERROR: (
        "The SIM card answered with an error or differs from its registration; the person"
        " should contact their operator."
    ),
    ErrorCode.SIGNING_SERVICE_UNAUTHORIZED: (
        "SK refused this server (HTTP 401/403): the relying-party settings are wrong. "
        "Report it to the administrator."
    ),
    ErrorCode.SIGNING_CLIENT_OUTDATED: (
        "SK says this server's client is too old (HTTP 480). Report it to the administrator."
    ),
    ErrorCode.SIGNING_SERVICE_MAINTENANCE: (
        "SK's service is under maintenance (HTTP 580). Retry later."
    ),
    ErrorCode.SIGNING_SERVICE_UNAVAILABLE: (
        "SK's service did not answer in time or at all. Retry later."
    ),
    ErrorCode.SIGNING_SERVICE_ERROR: (
        "SK's service gave an answer that cannot be used (malformed, unexpected). Retry; "
        "report it if it persists."
    ),
    ErrorCode.SESSION_FINISHED: (
        "The signing session has already ended (signed, failed or cancelled); nothing "
        "changed. Read its status; start again if needed."
    ),
    ErrorCode.SIGNING_INTERRUPTED: (
        "The process preparing a Smart-ID or Mobile-ID session stopped before the request "
        "reached the phone; nothing was signed. Start again."
    ),
}
described_enum(
    ErrorCode,
    description="Stable codes of user errors; clients branch on these.",
    values=ERROR_CODE_DESCRIPTIONS,
)


@strawberry.type(description="A problem with the input of a mutation, shown to the user.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault, if one is."
    )
    message: str = strawberry.field(description="What went wrong, in Estonian and English.")
    code: ErrorCode = strawberry.field(description="Stable machine-readable code.")
