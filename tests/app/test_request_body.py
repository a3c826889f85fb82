"""Bodies GraphQL cannot take are refused as a whole, with a 400 or 413 and a GraphQL error
body, never a server error (issue 11, items 6 and 7)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from app.asgi import create_app
from app.request_body import MAX_JSON_DEPTH
from app.sqlcount import count_statements

TYPENAME = json.dumps({"query": "{ __typename }"})


async def _post(api, content: bytes | str, content_type: str = "application/json"):
    return await api.http.post("/graphql", content=content, headers={"content-type": content_type})


def _refused(response, status: int = 400, code: str = "BAD_REQUEST") -> str:
    assert response.status_code == status, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == code
    return error["message"]


@pytest.mark.parametrize("body", ["null", "1", '"x"', "true", "1.5"])
async def test_a_json_body_that_is_not_an_object_is_a_400(api, body):
    message = _refused(await _post(api, body))

    assert "must be a JSON object" in message


async def test_malformed_json_is_a_400(api):
    message = _refused(await _post(api, '{"query": '))

    assert "not valid JSON" in message


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 2_000, 50_000])
async def test_variables_nested_too_deep_are_a_400_before_any_sql(api, depth):
    variables = "[" * depth + "]" * depth
    body = '{"query": "query ($v: [Int]) { __typename }", "variables": {"v": ' + variables + "}}"

    with count_statements() as statements:
        message = _refused(await _post(api, body))

    assert f"deeper than {MAX_JSON_DEPTH} levels" in message
    assert statements[0] == 0


async def test_variables_nested_deeply_by_get_are_a_400(api):
    deep = "[" * 2_000 + "]" * 2_000

    response = await api.http.get(
        "/graphql", params={"query": "{ __typename }", "variables": '{"v": ' + deep + "}"}
    )

    assert "deeper than" in _refused(response)


async def test_get_still_takes_null_variables(api):
    response = await api.http.get(
        "/graphql", params={"query": "{ __typename }", "variables": "null"}
    )

    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(
    ("operations", "files_map"),
    [
        ("null", '{"0": ["variables.file"]}'),
        ("1", '{"0": ["variables.file"]}'),
        ('{"query": "{ __typename }"}', "[1]"),
        ('{"query": "{ __typename }"}', "null"),
        ('{"query": "{ __typename }"}', '{"0": "variables.file"}'),
        ('{"query": "{ __typename }"}', '{"0": [1]}'),
        ('{"query": "{ __typename }", "variables": {}}', '{"0": ["variables.a.b.c"]}'),
        ('{"query": "{ __typename }", "variables": {"f": []}}', '{"0": ["variables.f.x"]}'),
        ('{"query": "{ __typename }"}', '{"1": ["variables.file"]}'),  # no such file
    ],
)
async def test_a_malformed_multipart_request_is_a_400(api, operations, files_map):
    response = await api.http.post(
        "/graphql",
        data={"operations": operations, "map": files_map},
        files={"0": ("a.pdf", b"%PDF-1.7", "application/pdf")},
    )

    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_strawberrys_own_refusals_carry_a_graphql_error_body(api):
    response = await _post(api, "query=x", "text/plain")

    assert _refused(response) == "Unsupported content type"


async def _chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    yield b'{"query": "{ __typename }", "variables": {"v": "'
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size
    yield b'"}}'


async def test_a_chunked_body_over_the_limit_is_a_413_without_reading_it_all(api):
    limit = api.app.state.settings.max_body_bytes
    read = 0

    async def counted() -> AsyncIterator[bytes]:
        nonlocal read
        async for chunk in _chunks(50 * 1024 * 1024):
            read += len(chunk)
            yield chunk

    # A generator body has no Content-Length: it goes as Transfer-Encoding: chunked.
    response = await api.http.post(
        "/graphql", content=counted(), headers={"content-type": "application/json"}
    )

    message = _refused(response, 413, "REQUEST_TOO_LARGE")
    assert "too large" in message
    assert read < limit + 2 * 64 * 1024  # stopped at the limit, not after 50 MB


async def test_a_body_whose_content_length_lies_is_cut_at_the_limit(api):
    limit = api.app.state.settings.max_body_bytes
    body = b'{"query": "{ __typename }", "variables": {"v": "' + b"x" * (limit + 1) + b'"}}'

    response = await api.http.post(
        "/graphql",
        content=body,
        headers={"content-type": "application/json", "content-length": "10"},
    )

    assert response.status_code in {400, 413}
    assert response.json()["errors"][0]["extensions"]["code"] in {
        "BAD_REQUEST",
        "REQUEST_TOO_LARGE",
    }


async def test_a_chunked_body_under_the_limit_is_answered(api):
    response = await api.http.post(
        "/graphql", content=_chunks(64 * 1024), headers={"content-type": "application/json"}
    )

    assert response.json()["data"] == {"__typename": "Query"}


async def test_a_declared_length_over_the_json_limit_is_refused_before_it_is_read(api):
    limit = api.app.state.settings.max_body_bytes
    body = TYPENAME[:-1] + ', "variables": {"v": "' + "x" * limit + '"}}'

    response = await _post(api, body)

    _refused(response, 413, "REQUEST_TOO_LARGE")


async def test_a_chunked_upload_over_the_limit_is_a_413_and_leaves_no_file_open(app, empty_db):
    from tests.client import Api

    # the largest files the API takes (a PDF to verify, appeal attachments) made small
    settings = replace(app.state.settings, verify_max_bytes=1024, appeal_attachment_max_bytes=1024)
    small = Api(create_app(settings, migrate=False, demo=False))
    boundary = "grens"
    part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
        '{"query": "mutation ($f: Upload!) { documentVerify(file: $f) { userErrors { code } } }",'
        ' "variables": {"f": null}}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n'
        '{"0": ["variables.f"]}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-"
    ).encode()

    async def body() -> AsyncIterator[bytes]:
        yield part
        for _ in range(40):  # 2.5 MiB, well over the upload limit plus its 1 MiB envelope
            yield b"x" * 64 * 1024
        yield f"\r\n--{boundary}--\r\n".encode()

    try:
        response = await small.http.post(
            "/graphql",
            content=body(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
    finally:
        await small.http.aclose()

    _refused(response, 413, "REQUEST_TOO_LARGE")
