"""Enumerations shared by the model, the rules and the GraphQL schema."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SCHOOL = "SCHOOL"
    AWARDING_BODY = "AWARDING_BODY"
    ASSESSOR = "ASSESSOR"
    COMMISSION_CHAIR = "COMMISSION_CHAIR"
    REGISTRY_ADMIN = "REGISTRY_ADMIN"


class OrganisationKind(StrEnum):
    SCHOOL = "SCHOOL"
    AWARDING_BODY = "AWARDING_BODY"
    REGISTRY = "REGISTRY"


class FundingCode(StrEnum):
    """EHIS funding codes; R and Z are state funded ("RE-jah"), M and T are not ("RE-ei")."""

    R = "R"
    Z = "Z"
    M = "M"
    T = "T"

    @property
    def state_funded(self) -> bool:
        return self in (FundingCode.R, FundingCode.Z)


class ExamStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    RETURNED = "RETURNED"
    ACCEPTED = "ACCEPTED"
    ASSESSED = "ASSESSED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class ExamType(StrEnum):
    """What the exam consists of; compensation rates differ by it."""

    THEORY = "THEORY"
    PRACTICAL = "PRACTICAL"
    COMBINED = "COMBINED"


class ParticipantKind(StrEnum):
    GRADUATE = "GRADUATE"
    WORK_WORLD_APPLICANT = "WORK_WORLD_APPLICANT"
    RETAKER = "RETAKER"


class ParticipantResult(StrEnum):
    PASSED = "PASSED"
    PARTIALLY_PASSED = "PARTIALLY_PASSED"
    FAILED = "FAILED"
    ABSENT = "ABSENT"


class CommitteeRole(StrEnum):
    CHAIR = "CHAIR"
    EMPLOYER = "EMPLOYER"
    EMPLOYEE = "EMPLOYEE"
    TEACHER = "TEACHER"
    INDEPENDENT = "INDEPENDENT"


class ProtocolKind(StrEnum):
    ASSESSMENT = "ASSESSMENT"
    COMMISSION = "COMMISSION"


class ProtocolStatus(StrEnum):
    DRAFT = "DRAFT"
    SIGNING = "SIGNING"
    SIGNED = "SIGNED"


class SignatureMethod(StrEnum):
    SERVER_KEY = "SERVER_KEY"
    ID_CARD = "ID_CARD"
    MOBILE_ID = "MOBILE_ID"
    SMART_ID = "SMART_ID"


class SigningSessionStatus(StrEnum):
    """Where a signing session with the signer's own device is (ID-card, Mobile-ID, Smart-ID).

    Published as `data["status"]` of `models.events.Topic.SIGNING_SESSION` events."""

    PREPARING = "PREPARING"  # phone methods: certificate, document and request under way
    WAITING = "WAITING"  # started; waiting for the person's device
    SIGNED = "SIGNED"  # the signature is embedded in the protocol
    FAILED = "FAILED"  # ended with an error code (refused, timeout, wrong certificate, ...)
    CANCELLED = "CANCELLED"  # cancelled by the signer or the front-end
    EXPIRED = "EXPIRED"  # nobody completed it in time


class CertificateKind(StrEnum):
    CERTIFICATE = "CERTIFICATE"
    PARTIAL_CERTIFICATE = "PARTIAL_CERTIFICATE"


class StandardStatus(StrEnum):
    VALID = "VALID"
    EXPIRED = "EXPIRED"
    UPCOMING = "UPCOMING"


def sql_in(column: str, enum: type[StrEnum]) -> str:
    """A CHECK expression that keeps `column` within the values of `enum`."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return f"{column} IN ({values})"


class AppealSubject(StrEnum):
    """What an appeal (vaie) contests."""

    RESULT = "RESULT"  # the assessment result, once the assessment protocol is signed
    DECISION = "DECISION"  # the commission's decision, once announced (protocol signed)


class AppealStatus(StrEnum):
    FILED = "FILED"
    UNDER_REVIEW = "UNDER_REVIEW"
    UPHELD = "UPHELD"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"

    @property
    def open(self) -> bool:
        return self in (AppealStatus.FILED, AppealStatus.UNDER_REVIEW)


class AppealChannel(StrEnum):
    """How the appeal arrived: in the service, or on paper registered by the awarding body."""

    ONLINE = "ONLINE"
    PAPER = "PAPER"
