"""Certificates issued when a commission protocol is signed."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from models.certificate import Certificate
from models.counters import CERTIFICATES, take_register_numbers
from models.enums import CertificateKind, ParticipantKind
from models.exam import Exam
from models.participant import Participant
from models.protocol import Protocol
from models.standard import Standard


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the last day of the month where that day is missing)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(valid_from: date, standard: Standard) -> date:
    """Validity per standard: `certificate_validity_months`, up to the day before."""
    return add_months(valid_from, standard.certificate_validity_months) - timedelta(days=1)


async def issue_certificates(
    exam: Exam,
    protocol: Protocol,
    issued_at: datetime,
    connection: BaseDBAsyncClient,
    *,
    participant_ids: list[int] | None = None,
) -> list[Certificate]:
    """A certificate for every participant the commission awarded (or those of
    `participant_ids` among them), numbered in the register without gaps, in the order
    of the protocol (by name)."""
    standard = await Standard.get(id=exam.standard_id, using_db=connection)
    only = {} if participant_ids is None else {"id__in": participant_ids}
    awarded = (
        await Participant.filter(exam_id=exam.id, awarded=True, **only)
        .using_db(connection)
        .prefetch_related("person")
    )
    awarded.sort(key=lambda p: (p.person.last_name, p.person.first_name, p.id))
    numbers = await take_register_numbers(connection, CERTIFICATES, len(awarded))
    certificates = [
        Certificate(
            register_number=number,
            kind=CertificateKind.PARTIAL_CERTIFICATE
            if participant.partial_qualification_id
            else CertificateKind.CERTIFICATE,
            person_id=participant.person_id,
            standard_id=standard.id,
            partial_qualification_id=participant.partial_qualification_id,
            specialisation_id=participant.specialisation_id,
            awarding_body_id=exam.awarding_body_id,
            protocol_id=protocol.id,
            ekr_level=standard.ekr_level,
            valid_from=protocol.date,
            valid_until=valid_until(protocol.date, standard),
            on_school_leaving_document=participant.kind is ParticipantKind.GRADUATE,
            issued_at=issued_at,
        )
        for number, participant in zip(numbers, awarded, strict=True)
    ]
    if certificates:
        await Certificate.bulk_create(certificates, using_db=connection)
    return certificates
