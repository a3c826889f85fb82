"""The domain enumerations, registered with GraphQL descriptions (the classes stay the same)."""

from __future__ import annotations

import strawberry

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
    StandardStatus,
)

_DESCRIPTIONS = {
    Role: "A role a person can act in.",
    ExamStatus: "Where an exam is in its lifecycle.",
    ExamType: "What an exam consists of: theory, practical work, or both.",
    ParticipantKind: "How a participant came to the exam.",
    ParticipantResult: "A participant's result; null until assessed.",
    FundingCode: "EHIS funding code: R and Z are state funded (RE-jah), M and T are not (RE-ei).",
    CommitteeRole: "A member's place in an assessment committee.",
    ProtocolKind: "Assessment protocol (per group) or commission protocol.",
    ProtocolStatus: "Signing state of a protocol.",
    SignatureMethod: "How a signature was made.",
    CertificateKind: "Full certificate or partial (osakutse) certificate.",
    StandardStatus: "Validity of a standard version on a given day.",
}
for _enum, _description in _DESCRIPTIONS.items():
    strawberry.enum(_enum, description=_description)

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
    "StandardStatus",
]
