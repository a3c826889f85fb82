"""Expected failures, with a stable code and a message in Estonian and English."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: tuple[str, ...] | None = None


@dataclass
class DomainError(Exception):
    """One or more problems that stop an operation; nothing was changed."""

    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def of(cls, code: str, message: str, field: Sequence[str] | None = None) -> DomainError:
        return cls([Problem(code, message, tuple(field) if field else None)])

    def __str__(self) -> str:
        return "; ".join(f"{p.code}: {p.message}" for p in self.problems)


# The message catalogue: Estonian first, English beside it.
MESSAGES = {
    "NOT_FOUND": "Ei leitud. / Not found.",
    "FORBIDDEN": "Sinu rollil pole selleks õigust. / Your role may not do this.",
    "UNAUTHENTICATED": "Logi sisse. / Sign in first.",
    "INVALID_STATE": "Eksam on olekus {status}, selles olekus seda teha ei saa. / "
    "The exam is {status}; this cannot be done in that state.",
    "STALE_VERSION": "Keegi muutis seda vahepeal; laadi uuesti. / "
    "Someone changed this meanwhile; reload and try again.",
    "NOT_ELIGIBLE": "Õppur ei sobi sellele eksamile: {reason_et}. / "
    "The student is not eligible for this exam: {reason}.",
    "GROUP_FULL": "Grupis {group} on vabu kohti {free}, vaja oleks {needed}. / "
    "Group {group} has {free} free places, {needed} needed.",
    "NO_PARTICIPANTS": "Eksamil pole osalejaid. / The exam has no participants.",
    "NOT_IN_GROUP": "{count} osalejat pole grupis. / {count} participants are in no group.",
    "COMMENT_REQUIRED": "Erivajadusega (HEV) osaleja korral on kommentaar kohustuslik. / "
    "A comment is required when a participant has special needs.",
    "DUPLICATE_EXAM": "Sama õppekava eksam on juba samal ajal ja samas kohas ({when}). / "
    "An exam of the same curriculum is already at this time and place ({when}).",
    "SCHEDULE_CONFLICT": "{detail}",
    "REASON_REQUIRED": "Põhjus on kohustuslik. / A reason is required.",
    "INVALID_PERSONAL_CODE": "Isikukood ei ole korrektne: {detail}. / "
    "The personal identification code is not valid: {detail}.",
    "PERSON_MISMATCH": "Rahvastikuregistris on selle isikukoodiga {registered}. / "
    "The population register has {registered} under this personal code.",
    "PERSON_UNKNOWN": "Rahvastikuregistris sellist isikut pole. / "
    "The population register does not know this person.",
    "COMMITTEE_INCOMPLETE": "Komisjonis peab olema esimees ja vähemalt {others} liiget. / "
    "A committee needs a chair and at least {others} more members.",
    "INVALID_INPUT": "{detail}",
    "NOT_LINKED": "Õppekava ja kutsestandard pole EHISes seotud või standardil pole kutse "
    "andjat. / The curriculum is not linked to the standard in EHIS, or the standard has "
    "no awarding body.",
    "GROUP_HAS_NO_FREE_PLACES": "Grupis {group} pole vabu kohti korduseksami tegijatele. / "
    "Group {group} has no free places left for retakers.",
    "RESULTS_MISSING": "{count} osalejal pole tulemust. / {count} participants have no result.",
    "PROTOCOL_SIGNED": "Protokolli on juba allkirjastatud; seda ei saa enam muuta. / "
    "The protocol has been signed; it can no longer be changed.",
    "NOT_A_SIGNER": "Sa ei ole selle protokolli allkirjastaja. / "
    "You are not one of this protocol's signers.",
    "ALREADY_SIGNED": "Oled selle protokolli juba allkirjastanud. / "
    "You have already signed this protocol.",
    "CERTIFICATE_REJECTED": "Sertifikaati ei saa allkirjastamiseks kasutada: {reason}. / "
    "The certificate cannot be used for signing: {reason}.",
    "CERTIFICATE_NOT_SIGNERS": "Sertifikaat ei kuulu sulle (isikukood ei klapi). / "
    "The certificate is not yours (the personal code does not match).",
    "SIGNATURE_INVALID": "Allkiri ei vasta räsile ja sertifikaadile. / "
    "The signature does not match the hash and the certificate.",
    "SESSION_EXPIRED": "Allkirjastamise seanss on aegunud või lõpetatud; alusta uuesti. / "
    "The signing session has expired or is finished; start again.",
    "DOCUMENT_CHANGED": "Keegi allkirjastas dokumendi vahepeal; alusta uuesti, et allkirjastada "
    "uut versiooni. / Someone signed the document meanwhile; start again to sign the new "
    "revision.",
    "TIMESTAMP_UNAVAILABLE": "Ajatempliteenus ei vasta; proovi hiljem uuesti. / "
    "The timestamp service does not answer; try again later.",
    "RATE_EXISTS": "Õppekavarühma {group} {exam_type} eksami määr alates {day} on juba olemas. / "
    "A rate for curriculum group {group}, {exam_type} exams, from {day} already exists.",
    "RATE_NOT_NEWER": "Uus määr peab kehtima hiljem kui {day}. / "
    "The new rate must take effect after {day}.",
    "DATE_IN_PAST": "Kuupäev {day} on möödas (täna on {today}). / "
    "The date {day} is in the past (today is {today}).",
    "SHORT_NOTICE": "Eksamipäevani {day} on vähem kui {months} kuu; eksamigraafik peaks olema "
    "avalik vähemalt kuu aega ette. / The exam day {day} is less than {months} month ahead; the "
    "exam schedule should be public at least a month ahead.",
    "SERVER_SIGNING_DISABLED": "Serveris hoitavate võtmetega allkirjastamine on välja lülitatud; "
    "kasuta ID-kaarti, Mobiil-ID-d või Smart-ID-d. / Signing with server-held keys is off; "
    "use an ID-card, Mobile-ID or Smart-ID.",
    "APPEAL_DEADLINE_PASSED": "Vaide tähtaeg ({deadline}) on möödas. / "
    "The deadline for an appeal ({deadline}) has passed.",
    "APPEAL_EXISTS": "Selle otsuse kohta on juba lahendamata vaie. / "
    "An appeal against this is already open.",
    "ATTACHMENT_NOT_PDF": "Manus {name} ei ole PDF-fail. / The attachment {name} is not a PDF.",
    "ATTACHMENT_TOO_LARGE": "Manus {name} on liiga suur: {size} baiti, lubatud kuni {max}. / "
    "The attachment {name} is too large: {size} bytes, at most {max}.",
    "SIGNING_METHOD_UNAVAILABLE": (
        "See allkirjastamise viis pole selles serveris seadistatud; vali teine. / This "
        "signing method is not set up on this server; choose another."
    ),
    "INVALID_PHONE_NUMBER": (
        "Telefoninumber ei sobi Mobiil-ID jaoks (+372 ja 7–8 numbrit). / The phone number"
        " is not a Mobile-ID number (+372 and 7–8 digits)."
    ),
    "SIGNING_ACCOUNT_NOT_FOUND": (
        "Sellel isikul pole Smart-ID kontot või Mobiil-ID-d sellel numbril. / The person "
        "has no Smart-ID account or no Mobile-ID on this number."
    ),
    "SIGNING_REFUSED": (
        "Allkirjastamisest keelduti telefonis. / Signing was refused on the phone."
    ),
    "SIGNING_TIMEOUT": ("Telefonis ei vastatud õigel ajal. / The phone was not answered in time."),
    "WRONG_VERIFICATION_CODE": (
        "Smart-ID rakenduses valiti vale kontrollkood. / A wrong verification code was "
        "chosen in the Smart-ID app."
    ),
    "SMART_ID_DOCUMENT_UNUSABLE": (
        "Smart-ID kontot ei saa praegu kasutada; ava Smart-ID rakendus. / The Smart-ID "
        "account cannot be used now; open the Smart-ID app."
    ),
    "SMART_ID_NO_QUALIFIED_ACCOUNT": (
        "Smart-ID konto pole kvalifitseeritud allkirja jaoks. / The Smart-ID account "
        "cannot make a qualified signature."
    ),
    "SMART_ID_ACCOUNT_ACTION_NEEDED": (
        "Smart-ID vajab sinu tähelepanu: ava rakendus või iseteenindus. / Smart-ID needs "
        "your attention: open the app or the self-service portal."
    ),
    "SMART_ID_APP_UNSUPPORTED": (
        "Smart-ID rakendus on liiga vana; uuenda see. / The Smart-ID app is too old; update it."
    ),
    "MOBILE_ID_PHONE_ABSENT": ("Telefon pole kättesaadav. / The phone cannot be reached."),
    "MOBILE_ID_DELIVERY_ERROR": (
        "Päringut ei õnnestunud telefonile saata. / The request could not be delivered to"
        " the phone."
    ),
    "MOBILE_ID_SIM_ERROR": (
        "SIM-kaardi viga; pöördu mobiilioperaatori poole. / SIM card error; contact your "
        "mobile operator."
    ),
    "SIGNING_SERVICE_UNAUTHORIZED": (
        "Allkirjastamisteenus ei tunne seda serverit ära. / The signing service does not "
        "accept this server."
    ),
    "SIGNING_CLIENT_OUTDATED": (
        "Selle serveri Smart-ID klient on aegunud. / This server's Smart-ID client is outdated."
    ),
    "SIGNING_SERVICE_MAINTENANCE": (
        "Allkirjastamisteenuses on hooldustööd; proovi hiljem. / The signing service is "
        "under maintenance; try later."
    ),
    "SIGNING_SERVICE_UNAVAILABLE": (
        "Allkirjastamisteenus ei vasta; proovi hiljem. / The signing service does not "
        "answer; try later."
    ),
    "SIGNING_SERVICE_ERROR": (
        "Allkirjastamisteenus andis kasutamatu vastuse. / The signing service gave an "
        "unusable answer."
    ),
    "SESSION_FINISHED": (
        "Allkirjastamise seanss on juba lõppenud. / The signing session has already ended."
    ),
    "SIGNING_INTERRUPTED": (
        "Allkirjastamise ettevalmistus katkes; alusta uuesti. / Preparing the signature was "
        "interrupted; start again."
    ),
}


TOO_LONG = (
    "Liiga pikk: {length} märki, lubatud kuni {max}. / "
    "Too long: {length} characters, at most {max}."
)
"""The detail of INVALID_INPUT for a value longer than its field allows (never the value)."""


# A value that ends a sentence itself ("... invalid length.") before the template's own stop.
_DOUBLED_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def problem(code: str, field: Sequence[str] | None = None, **values: object) -> Problem:
    message = _DOUBLED_STOP.sub(".", MESSAGES[code].format(**values))
    return Problem(code, message, tuple(field) if field else None)


def fail(code: str, field: Sequence[str] | None = None, **values: object) -> DomainError:
    return DomainError([problem(code, field, **values)])
