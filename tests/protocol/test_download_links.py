"""Signed download links: absolute, short-lived, bound to the viewer and the document."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

from app.download_links import signed_download_url
from app.logs import redact_query_secrets
from models.access import Viewer
from models.enums import Role
from models.person import RoleAssignment
from models.protocol import ProtocolDocument, ProtocolExtract
from tests.protocol.conftest import HeldExam
from tests.protocol.test_certificates import complete_exam
from tests.protocol.test_signing_flow import commission_pk, create_assessment

LINKS = """
query($id: ID!) {
  node(id: $id) {
    ... on Protocol { documentUrl documentDownloadUrl extractUrl extractDownloadUrl }
  }
}"""


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _access(url: str) -> str:
    return parse_qs(urlsplit(url).query)["access"][0]


async def _links(api, protocol_id: str, person, role) -> dict:  # type: ignore[no-untyped-def]
    result = await api.query(LINKS, {"id": protocol_id}, as_=(person, role))
    assert "errors" not in result, result
    return result["data"]["node"]


async def _assert_refused(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "LINK_INVALID"
    assert b"%PDF" not in response.content
    assert "content-disposition" not in response.headers


async def test_a_browser_opens_the_link_without_a_header(api, held: HeldExam):
    # given an assessment protocol and its awarding body
    protocol = await create_assessment(api, held, held.groups[0])

    # when the body asks for the links
    links = await _links(api, protocol["id"], held.body_user, Role.AWARDING_BODY)

    # then the download link is absolute, under the public URL, beside the relative one
    settings = api.app.state.settings
    assert links["documentUrl"] == f"/documents/protocols/{protocol['id']}"
    assert links["documentDownloadUrl"].startswith(f"{settings.public_url}{links['documentUrl']}?")
    # and opening it with no Authorization header serves the stored PDF
    response = await api.http.get(_path_and_query(links["documentDownloadUrl"]))
    assert response.status_code == 200, response.text
    stored = await ProtocolDocument.get(protocol_id=commission_pk(protocol["id"]))
    assert response.content == stored.content
    assert response.headers["cache-control"] == "no-store"


async def test_an_altered_link_is_refused_and_serves_nothing(api, held: HeldExam):
    # given two protocols and a link to the first
    first = await create_assessment(api, held, held.groups[0])
    second = await create_assessment(api, held, held.groups[1])
    link = (await _links(api, first["id"], held.body_user, Role.AWARDING_BODY))[
        "documentDownloadUrl"
    ]
    token = _access(link)

    # when its signature is altered, or its token is used for the other protocol
    header, payload, signature = token.split(".")
    altered = f"{header}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    forged_signature = await api.http.get(f"/documents/protocols/{first['id']}?access={altered}")
    other_document = await api.http.get(f"/documents/protocols/{second['id']}?access={token}")
    garbage = await api.http.get(f"/documents/protocols/{first['id']}?access=not-a-token")

    # then each is 403 and no PDF is served
    for response in (forged_signature, other_document, garbage):
        await _assert_refused(response)


async def test_an_expired_link_is_refused(api, held: HeldExam):
    # given a link made already expired (signed by the server's own key)
    protocol = await create_assessment(api, held, held.groups[0])
    settings = dataclasses.replace(api.app.state.settings, download_url_seconds=-1)
    viewer = Viewer(held.body_user.id, Role.AWARDING_BODY, held.body.id)
    link = signed_download_url(
        api.app.state.keys, settings, viewer, f"/documents/protocols/{protocol['id']}"
    )

    # when it is opened
    response = await api.http.get(_path_and_query(link))

    # then it is refused
    await _assert_refused(response)
    assert "expired" in response.json()["message"]


async def test_a_link_stops_working_when_the_role_is_withdrawn(api, held: HeldExam):
    # given a link made for the awarding body's user
    protocol = await create_assessment(api, held, held.groups[0])
    link = (await _links(api, protocol["id"], held.body_user, Role.AWARDING_BODY))[
        "documentDownloadUrl"
    ]

    # when the person loses the role before opening it
    await RoleAssignment.filter(person_id=held.body_user.id, role=Role.AWARDING_BODY).delete()
    response = await api.http.get(_path_and_query(link))

    # then nothing is served
    await _assert_refused(response)


async def test_a_link_token_is_not_an_api_token(api, held: HeldExam):
    # given a download link's token
    protocol = await create_assessment(api, held, held.groups[0])
    link = (await _links(api, protocol["id"], held.body_user, Role.AWARDING_BODY))[
        "documentDownloadUrl"
    ]

    # when it is sent to the API as a bearer token
    response = await api.http.post(
        "/graphql",
        json={"query": "{ me { person { lastName } } }"},
        headers={"Authorization": f"Bearer {_access(link)}"},
    )

    # then the API refuses it (another audience)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_school_gets_an_extract_link_only(api, held: HeldExam):
    # given a signed commission protocol
    commission = {"id": await complete_exam(api, held)}

    # when the school and the body ask for the links
    school = await _links(api, commission["id"], held.school_user, Role.SCHOOL)
    body = await _links(api, commission["id"], held.body_user, Role.AWARDING_BODY)

    # then the school has an extract link (and no protocol link), the body the reverse
    assert school["documentDownloadUrl"] is None
    assert body["extractDownloadUrl"] is None
    assert body["documentDownloadUrl"] is not None
    response = await api.http.get(_path_and_query(school["extractDownloadUrl"]))
    assert response.status_code == 200, response.text
    stored = await ProtocolExtract.get(protocol_id=commission_pk(commission["id"]))
    assert response.content == stored.content
    # and the extract link's token does not open the protocol itself
    token = _access(school["extractDownloadUrl"])
    await _assert_refused(
        await api.http.get(f"/documents/protocols/{commission['id']}?access={token}")
    )


async def test_the_access_log_never_shows_a_links_token(api, held: HeldExam):
    # given a download link
    protocol = await create_assessment(api, held, held.groups[0])
    link = (await _links(api, protocol["id"], held.body_user, Role.AWARDING_BODY))[
        "documentDownloadUrl"
    ]

    # when its path is written to the access log
    logged = redact_query_secrets(_path_and_query(link))

    # then the token is hidden
    assert _access(link) not in logged
    assert logged.endswith("?access=[redacted]")
