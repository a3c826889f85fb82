"""Real documents for the demo's protocols: rendered, signed by their designated people with
development keys, and for completed exams the school's sealed extract.

The demo's story happened in the past, but development certificates are issued today, so the
signatures carry the time the demo was loaded.
"""

from __future__ import annotations

import hashlib
import logging

from tortoise.backends.base.client import BaseDBAsyncClient

from models.enums import ProtocolKind, ProtocolStatus, SignatureMethod
from models.exam import Exam
from models.person import Person
from models.protocol import Protocol, ProtocolDocument, Signature
from models.workflow.protocol import store_rendered
from models.workflow.protocol_documents import assessment_data, commission_data
from models.workflow.protocol_effects import seal_extract
from models.workflow.signing import SigningSetup, certificate_identity
from signing.documents import render_assessment_protocol, render_commission_protocol
from signing.ltv import add_archive_timestamp, add_validation_data
from signing.pades import sign_with_key
from signing.verify import verify_document

logger = logging.getLogger("eksamihaldus.demo")


async def sign_demo_protocols(
    connection: BaseDBAsyncClient, signing: SigningSetup, to_sign: dict[int, list[tuple[int, str]]]
) -> None:
    assert signing.person_keys is not None, "the demo signs with development keys"
    protocols = await Protocol.filter(id__in=list(to_sign)).using_db(connection).order_by("id")
    for protocol in protocols:
        if protocol.kind is ProtocolKind.ASSESSMENT:
            rendered = render_assessment_protocol(await assessment_data(protocol, connection))
        else:
            rendered = render_commission_protocol(await commission_data(protocol, connection))
        signers = to_sign[protocol.id]
        await store_rendered(
            connection,
            protocol,
            rendered,
            [
                (person_id, field.role_label)
                for (person_id, _), field in zip(signers, rendered.fields, strict=True)
            ],
        )
        pdf = rendered.pdf
        signed: list[tuple[int, str, str, bytes]] = []
        for position, ((person_id, role), field) in enumerate(
            zip(signers, rendered.fields, strict=True), start=1
        ):
            person = await Person.get(id=person_id, using_db=connection)
            credentials = signing.person_keys(person)
            last = position == len(signers)
            pdf = await sign_with_key(
                pdf,
                field,
                credentials,
                timestamper=signing.timestamper,
                lock=last,
                reason=field.role_label,
            )
            # as the workflow does: B-LT after each signature, B-LTA after the last
            long_term = add_archive_timestamp if last else add_validation_data
            pdf = await long_term(pdf, signing.long_term)
            signed.append((person_id, role, field.name, credentials.certificate_pem))
        # One check of the finished document gives every signature's times.
        report = await verify_document(pdf, trust_roots=signing.trust_roots)
        times = {s.field_name: (s.signing_time, s.timestamp_time) for s in report.signatures}
        assert report.valid, report
        for person_id, role, field_name, certificate in signed:
            subject, serial = certificate_identity(certificate)
            await Signature.create(
                using_db=connection,
                protocol_id=protocol.id,
                signer_id=person_id,
                signer_role=role,
                method=SignatureMethod.SERVER_KEY,
                signed_at=times[field_name][0],
                timestamp_at=times[field_name][1],
                certificate_subject=subject,
                certificate_serial=serial,
            )
        await (
            ProtocolDocument.filter(protocol_id=protocol.id)
            .using_db(connection)
            .update(content=pdf, signed=True)
        )
        protocol.document_sha256 = hashlib.sha256(pdf).hexdigest()
        protocol.status = ProtocolStatus.SIGNED
        await protocol.save(using_db=connection, update_fields=["document_sha256", "status"])
        if protocol.kind is ProtocolKind.COMMISSION:
            exam = await Exam.get(id=protocol.exam_id, using_db=connection)
            await seal_extract(
                exam, protocol, signing.eseal, signing.timestamper, connection, signing.long_term
            )
    logger.info("demo documents: %d protocols signed", len(protocols))
