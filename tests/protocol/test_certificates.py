"""Certificates issued by a signed commission protocol: the public register and one's own."""

from __future__ import annotations

from models.enums import ParticipantResult, Role
from models.person import RoleAssignment
from tests.protocol.conftest import HeldExam
from tests.protocol.test_signing_flow import PROTOCOL_CREATE, PROTOCOL_SIGN, gid, sign_assessments

REGISTER = """
query($filter: CertificateFilter) {
  certificates(first: 50, filter: $filter) {
    totalCount
    edges { node { registerNumber holderFirstName holderLastName standardName protocolNumber
      validFrom validUntil kind onSchoolLeavingDocument } }
  }
}"""
MINE = "{ myCertificates(first: 10) { totalCount edges { node { registerNumber } } } }"


async def complete_exam(api, held: HeldExam) -> str:  # type: ignore[no-untyped-def]
    """Sign every assessment protocol, then the commission protocol; returns the latter's ID."""
    await sign_assessments(api, held)
    data = await api.query(
        PROTOCOL_CREATE,
        {
            "exam": gid("Exam", held.exam.id),
            "input": {"kind": "COMMISSION", "chair": gid("Person", held.chair.id)},
        },
        as_=(held.body_user, Role.AWARDING_BODY),
    )
    protocol = data["data"]["protocolCreate"]["protocol"]
    signed = await api.query(
        PROTOCOL_SIGN, {"protocol": protocol["id"]}, as_=(held.chair, Role.COMMISSION_CHAIR)
    )
    assert signed["data"]["protocolSign"]["userErrors"] == []
    return protocol["id"]


async def test_the_public_register_lists_the_new_certificates_without_personal_codes(
    api, held: HeldExam
):
    await complete_exam(api, held)

    response = await api.post(REGISTER, {"filter": {"standard": "Keevitaja"}})

    body = response.json()
    assert "errors" not in body
    nodes = [e["node"] for e in body["data"]["certificates"]["edges"]]
    passed = [pid for pid, r in held.results.items() if r is ParticipantResult.PASSED]
    assert len(nodes) == len(passed)
    assert {n["protocolNumber"] for n in nodes} == {nodes[0]["protocolNumber"]}
    assert all(n["kind"] == "CERTIFICATE" and n["onSchoolLeavingDocument"] for n in nodes)
    text = response.text
    for group in held.groups:
        for participant in held.participants[group.id]:
            await participant.fetch_related("person")
            assert participant.person.personal_code not in text


async def test_a_person_sees_their_own_certificates(api, held: HeldExam):
    await complete_exam(api, held)
    passed = next(
        p
        for g in held.groups
        for p in held.participants[g.id]
        if held.results[p.id] is ParticipantResult.PASSED
    )
    await passed.fetch_related("person")
    # a graduate who signs in (here through a role they hold for the test)
    await RoleAssignment.create(person=passed.person, role=Role.SCHOOL, organisation=held.school)

    mine = await api.query(MINE, as_=(passed.person, Role.SCHOOL))
    someone_else = await api.query(MINE, as_=(held.school_user, Role.SCHOOL))
    public = (await api.post(MINE)).json()

    assert mine["data"]["myCertificates"]["totalCount"] == 1
    assert someone_else["data"]["myCertificates"]["totalCount"] == 0
    assert public["data"]["myCertificates"]["totalCount"] == 0
