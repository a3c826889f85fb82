"""Downloads: who gets which document, and a timestamp authority that is down."""

from __future__ import annotations

import dataclasses

from models.access import Viewer
from models.enums import Role
from models.protocol import ProtocolDocument, Signature
from models.workflow.errors import DomainError
from models.workflow.signing import sign_with_server_key
from signing.timestamps import http_timestamper
from tests.factories import create_awarding_body, create_school, create_user
from tests.pki import free_port
from tests.protocol.conftest import HeldExam, make_held_exam
from tests.protocol.test_signing_flow import PROTOCOL_SIGN, commission_pk, create_assessment


async def status_of(api, person, role, url: str) -> int:  # type: ignore[no-untyped-def]
    token = await api.token_for(person, role)
    response = await api.http.get(url, headers={"Authorization": f"Bearer {token}"})
    return response.status_code


async def test_each_role_downloads_what_it_may_and_nothing_else(api, held: HeldExam):
    first, second = held.groups
    protocol = await create_assessment(api, held, first)
    url = f"/documents/protocols/{protocol['id']}"
    other_school_user = await create_user(Role.SCHOOL, await create_school())
    elsewhere = await make_held_exam(
        groups=1, per_group=1, awarding_body=await create_awarding_body()
    )

    assert await status_of(api, held.body_user, Role.AWARDING_BODY, url) == 200
    assert await status_of(api, held.chair, Role.COMMISSION_CHAIR, url) == 200
    assert await status_of(api, held.committees[first.id][1], Role.ASSESSOR, url) == 200
    # an assessor of the other group, the school (it gets extracts), another school,
    # another awarding body: not found, so the ID reveals nothing
    assert await status_of(api, held.committees[second.id][0], Role.ASSESSOR, url) == 404
    assert await status_of(api, held.school_user, Role.SCHOOL, url) == 404
    assert await status_of(api, other_school_user, Role.SCHOOL, url) == 404
    assert await status_of(api, elsewhere.body_user, Role.AWARDING_BODY, url) == 404
    # no sign-in, a forged ID
    assert (await api.http.get(url)).status_code == 401
    assert await status_of(api, held.body_user, Role.AWARDING_BODY, "/documents/protocols/x") == 404


async def test_the_file_name_carries_the_protocol(api, held: HeldExam):
    protocol = await create_assessment(api, held, held.groups[0])
    token = await api.token_for(held.body_user, Role.AWARDING_BODY)

    response = await api.http.get(
        f"/documents/protocols/{protocol['id']}", headers={"Authorization": f"Bearer {token}"}
    )

    disposition = response.headers["content-disposition"]
    assert (
        disposition
        == f'attachment; filename="HP-{held.exam.id}-{commission_pk(protocol["id"])}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


async def test_a_timestamp_authority_that_is_down_loses_nothing(api, held: HeldExam):
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    pk = commission_pk(protocol["id"])
    before = (await ProtocolDocument.get(protocol_id=pk)).content
    member = held.committees[group.id][0]
    down = dataclasses.replace(
        api.app.state.signing,
        timestamper=http_timestamper(f"http://127.0.0.1:{free_port()}/tsa", timeout=2),
    )
    viewer = Viewer(person_id=member.id, role=Role.ASSESSOR, organisation_id=held.body.id)

    try:
        await sign_with_server_key(viewer, pk, down)
        raised = None
    except DomainError as error:
        raised = error

    assert raised is not None
    assert raised.problems[0].code == "TIMESTAMP_UNAVAILABLE"
    assert (await ProtocolDocument.get(protocol_id=pk)).content == before
    assert not await Signature.filter(protocol_id=pk).exists()
    # and once it is back, the same signer signs
    again = await api.query(
        PROTOCOL_SIGN, {"protocol": protocol["id"]}, as_=(member, Role.ASSESSOR)
    )
    assert again["data"]["protocolSign"]["userErrors"] == []
