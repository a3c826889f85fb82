"""The appeal decision as a document: rendered like the protocols and signed by the
commission's chair through the same signing code (a server-held key in development, the
chair's own device otherwise: :mod:`models.workflow.decision_signing`).

The document is drawn up in the transaction that records the decision, so a decision is never
without its document; with a server-held key it is signed there too. A signed revision is
verified as anyone would before it is kept.
"""

from __future__ import annotations

import hashlib

from tortoise.backends.base.client import BaseDBAsyncClient

from models.access import Viewer
from models.appeal import Appeal, AppealDocument
from models.clock import now, today
from models.enums import AppealSubject, SignatureMethod
from models.exam import Exam
from models.organisation import Organisation
from models.participant import Participant
from models.person import Person
from models.protocol import Protocol
from models.standard import Standard
from models.workflow.protocol import current_commission_protocol
from models.workflow.signing import (
    SigningSetup,
    _check_not_revoked,
    _long_term,
    certificate_identity,
    signing_failed,
)
from signing.documents import AppealDecisionData, render_appeal_decision
from signing.errors import SigningError
from signing.pades import sign_with_key
from signing.verify import verify_document

# The /Reason of the chair's signature and the label of its box.
CHAIR_REASON = "Kutsekomisjoni esimees / Commission chair"


async def decision_data(appeal: Appeal, connection: BaseDBAsyncClient) -> AppealDecisionData:
    exam = await Exam.get(id=appeal.exam_id, using_db=connection)
    body = await Organisation.get(id=appeal.awarding_body_id, using_db=connection)
    participant = await Participant.get(id=appeal.participant_id, using_db=connection)
    examinee = await Person.get(id=participant.person_id, using_db=connection)
    chair = await Person.get(id=appeal.decided_by_id, using_db=connection)
    standard = await Standard.get(id=exam.standard_id, using_db=connection)
    contested = None
    if appeal.subject is AppealSubject.DECISION:
        protocol = await current_commission_protocol(exam.id, connection)
        contested = protocol.number if protocol is not None else None
    elif participant.group_id is not None:
        protocol = await Protocol.filter(group_id=participant.group_id).using_db(connection).first()
        if protocol is not None:
            contested = f"Hindamisprotokoll / Assessment protocol {protocol.date:%d.%m.%Y}"
    return AppealDecisionData(
        reference=f"V-{body.code}-{appeal.id}",
        awarding_body=body.name,
        awarding_body_code=body.code,
        examinee=f"{examinee.first_name} {examinee.last_name}",
        standard=standard.name,
        subject=appeal.subject.value,
        received_on=appeal.received_on,
        decided_on=today(appeal.decided_at),
        upheld=appeal.status.value == "UPHELD",
        appeal_reason=appeal.reason,
        decision_reason=appeal.decision_reason or "",
        chair_name=f"{chair.first_name} {chair.last_name}",
        contested_protocol=contested,
    )


async def draw_up_decision(
    viewer: Viewer,
    appeal: Appeal,
    setup: SigningSetup | None,
    connection: BaseDBAsyncClient,
) -> AppealDocument:
    """Render the decision and, where the server holds the chair's key, sign it now.

    Without a server-held key (production) the rendered document waits for the chair's own
    device (:mod:`models.workflow.decision_signing`); the box of the signature is kept for it.
    """
    rendered = render_appeal_decision(await decision_data(appeal, connection))
    content, signed_at, subject, method = rendered.pdf, None, None, None
    if setup is not None and setup.person_keys is not None:
        chair = await Person.get(id=viewer.person_id, using_db=connection)
        credentials = setup.person_keys(chair)
        await _check_not_revoked(credentials.certificate_pem, setup)
        try:
            content = await setup.workers.run(
                sign_with_key,
                rendered.pdf,
                rendered.fields[0],
                credentials,
                timestamper=setup.timestamper,
                lock=True,
                reason=CHAIR_REASON,
            )
        except SigningError as error:
            raise signing_failed(error) from error
        # PAdES B-LTA, as a decision signed on the chair's device and the protocols.
        content = await _long_term(content, True, setup)
        report = await setup.workers.run(verify_document, content, trust_roots=setup.trust_roots)
        if not all(s.intact and s.trusted for s in report.signatures):
            raise RuntimeError("the signed appeal decision does not verify")
        signed_at, method = now(), SignatureMethod.SERVER_KEY
        subject, _ = certificate_identity(credentials.certificate_pem)
    return await AppealDocument.create(
        using_db=connection,
        appeal_id=appeal.id,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        signed_at=signed_at,
        signer_id=viewer.person_id if signed_at is not None else None,
        method=method,
        certificate_subject=subject,
        field_page=rendered.fields[0].page,
        field_box=list(rendered.fields[0].box),
    )
