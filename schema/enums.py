"""The domain enumerations, exposed to GraphQL with descriptions."""

from __future__ import annotations

import strawberry

from models import enums

Role = strawberry.enum(enums.Role, description="A role a person can act in.")
ExamStatus = strawberry.enum(enums.ExamStatus, description="Where an exam is in its lifecycle.")
ParticipantKind = strawberry.enum(
    enums.ParticipantKind, description="How a participant came to the exam."
)
ParticipantResult = strawberry.enum(
    enums.ParticipantResult, description="A participant's result; null until assessed."
)
FundingCode = strawberry.enum(
    enums.FundingCode,
    description="EHIS funding code: R and Z are state funded (RE-jah), M and T are not (RE-ei).",
)
CommitteeRole = strawberry.enum(
    enums.CommitteeRole, description="A member's place in an assessment committee."
)
ProtocolKind = strawberry.enum(
    enums.ProtocolKind, description="Assessment protocol (per group) or commission protocol."
)
ProtocolStatus = strawberry.enum(enums.ProtocolStatus, description="Signing state of a protocol.")
SignatureMethod = strawberry.enum(enums.SignatureMethod, description="How a signature was made.")
CertificateKind = strawberry.enum(
    enums.CertificateKind, description="Full certificate or partial (osakutse) certificate."
)
StandardStatus = strawberry.enum(
    enums.StandardStatus, description="Validity of a standard version on a given day."
)
