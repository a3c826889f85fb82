"""The domain enumerations, registered with GraphQL descriptions on the type and every value
(the Python classes stay the same)."""

from __future__ import annotations

from models.enums import (
    CertificateKind,
    CommitteeRole,
    ExamStatus,
    ExamType,
    FundingCode,
    ParticipantKind,
    ParticipantResult,
    ProtocolKind,
    ProtocolStatus,
    Role,
    SignatureMethod,
    SigningSessionStatus,
    StandardStatus,
)
from schema.describe import described_enum

described_enum(
    Role,
    description="A role a person can act in.",
    values={
        Role.SCHOOL: "A school's user (juhtõpetaja): creates exams for its curricula, adds "
        "graduates, makes groups, submits, downloads protocol extracts.",
        Role.AWARDING_BODY: "An awarding body's user (kutse andja): accepts or returns exams, "
        "sets place and time, forms committees, enters results, draws up protocols.",
        Role.ASSESSOR: "A member of an assessment committee (hindaja): sees the groups of "
        "their committees, records results, signs the assessment protocol.",
        Role.COMMISSION_CHAIR: "A qualification commission's chair (kutsekomisjoni esimees): "
        "signs the commission protocol that awards qualifications.",
        Role.REGISTRY_ADMIN: "The registry (Kutsekoda): sees everything, manages roles, "
        "standards and compensation rates.",
    },
)
described_enum(
    ExamStatus,
    description="Where an exam is in its lifecycle.",
    values={
        ExamStatus.DRAFT: "Being prepared by the school; not visible to the awarding body.",
        ExamStatus.SUBMITTED: "Sent to the awarding body, waiting to be accepted or returned.",
        ExamStatus.RETURNED: "Returned to the school with a reason; the school edits and "
        "submits again.",
        ExamStatus.ACCEPTED: "Accepted by the awarding body: committees, place and time, "
        "results are entered.",
        ExamStatus.ASSESSED: "Every group's assessment protocol is signed; the commission "
        "protocol comes next.",
        ExamStatus.COMPLETED: "The commission protocol is signed; certificates are in the "
        "register.",
        ExamStatus.CANCELLED: "Cancelled with a reason; nothing more happens to it.",
    },
)
described_enum(
    ExamType,
    description="What an exam consists of: theory, practical work, or both.",
    values={
        ExamType.THEORY: "A theory exam only.",
        ExamType.PRACTICAL: "A practical exam only.",
        ExamType.COMBINED: "Theory and practical parts (the default).",
    },
)
described_enum(
    ParticipantKind,
    description="How a participant came to the exam.",
    values={
        ParticipantKind.GRADUATE: "A student of the school, added from EHIS.",
        ParticipantKind.WORK_WORLD_APPLICANT: "An applicant from the world of work, added by "
        "the awarding body; never state funded.",
        ParticipantKind.RETAKER: "Someone retaking an earlier failed, absent or partial exam "
        "of the same standard.",
    },
)
described_enum(
    ParticipantResult,
    description="A participant's result; null until assessed.",
    values={
        ParticipantResult.PASSED: "Passed every part (sooritatud).",
        ParticipantResult.PARTIALLY_PASSED: "Passed some parts (osaliselt sooritatud); not "
        "the same as a partial qualification.",
        ParticipantResult.FAILED: "Did not pass (mittesooritatud).",
        ParticipantResult.ABSENT: "Did not come; without a valid written reason this counts "
        "as failed.",
    },
)
described_enum(
    FundingCode,
    description="EHIS funding code: R and Z are state funded (RE-jah), M and T are not (RE-ei).",
    values={
        FundingCode.R: "State-commissioned study place (RE-jah).",
        FundingCode.Z: "ESF work-based learning (RE-jah).",
        FundingCode.M: "Another state-budget place (RE-ei).",
        FundingCode.T: "A place not paid from the state budget (RE-ei).",
    },
)
described_enum(
    CommitteeRole,
    description="A member's place in an assessment committee.",
    values={
        CommitteeRole.CHAIR: "Chair of the committee; signs first.",
        CommitteeRole.EMPLOYER: "Representative of employers.",
        CommitteeRole.EMPLOYEE: "Representative of employees.",
        CommitteeRole.TEACHER: "A teacher of the field.",
        CommitteeRole.INDEPENDENT: "An independent expert.",
    },
)
described_enum(
    ProtocolKind,
    description="Assessment protocol (per group) or commission protocol.",
    values={
        ProtocolKind.ASSESSMENT: "A group's assessment protocol (hindamisprotokoll), signed "
        "by its committee.",
        ProtocolKind.COMMISSION: "The exam's commission protocol (kutsekomisjoni protokoll), "
        "signed by the commission chair: the decision to award.",
    },
)
described_enum(
    ProtocolStatus,
    description="Signing state of a protocol.",
    values={
        ProtocolStatus.DRAFT: "Drawn up, nobody has signed; it may still be drawn up again.",
        ProtocolStatus.SIGNING: "Some designated signers have signed, others not yet.",
        ProtocolStatus.SIGNED: "Every designated signer has signed; the document is locked.",
    },
)
described_enum(
    SignatureMethod,
    description="How a signature was made.",
    values={
        SignatureMethod.SERVER_KEY: "With a key held by the server (development and demo only).",
        SignatureMethod.ID_CARD: "With an Estonian ID-card through Web eID.",
        SignatureMethod.MOBILE_ID: "With Mobile-ID on the signer's phone.",
        SignatureMethod.SMART_ID: "With Smart-ID on the signer's phone.",
    },
)
described_enum(
    SigningSessionStatus,
    description="Where a signing with the signer's own device is.",
    values={
        SigningSessionStatus.PREPARING: "Smart-ID and Mobile-ID: the signer's certificate, the "
        "document and the request to the phone are under way; the verification code follows "
        "with WAITING.",
        SigningSessionStatus.WAITING: "Started; waiting for the signer's device (or phone).",
        SigningSessionStatus.SIGNED: "The signature is embedded in the protocol.",
        SigningSessionStatus.FAILED: "Ended without a signature; `errorCode` (in "
        "`signingSessionChanged`: `code`) says why. Start a new session to try again.",
        SigningSessionStatus.CANCELLED: "Cancelled by the signer; nothing was signed.",
        SigningSessionStatus.EXPIRED: "Nobody completed it in time; nothing was signed.",
    },
)
described_enum(
    CertificateKind,
    description="Full certificate or partial (osakutse) certificate.",
    values={
        CertificateKind.CERTIFICATE: "A certificate of the full qualification (kutsetunnistus).",
        CertificateKind.PARTIAL_CERTIFICATE: "A certificate of a partial qualification "
        "(osakutsetunnistus).",
    },
)
described_enum(
    StandardStatus,
    description="Validity of a standard version on a given day.",
    values={
        StandardStatus.VALID: "In force on that day.",
        StandardStatus.EXPIRED: "No longer in force.",
        StandardStatus.UPCOMING: "Not yet in force.",
    },
)

__all__ = [
    "CertificateKind",
    "CommitteeRole",
    "ExamStatus",
    "ExamType",
    "FundingCode",
    "ParticipantKind",
    "ParticipantResult",
    "ProtocolKind",
    "ProtocolStatus",
    "Role",
    "SignatureMethod",
    "SigningSessionStatus",
    "StandardStatus",
]
