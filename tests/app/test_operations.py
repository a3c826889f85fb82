"""Trusted documents: a codegen manifest registered by the CLI, hash-only requests, the
production setting that runs only registered operations, and the metric labels."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from app import metrics
from app.asgi import create_app
from app.graphql import build_schema
from app.operations import example_operations, register_metric_names
from models.operation import TrustedOperation
from tests.app.test_cli import _run
from tests.client import Api

STANDARDS = "query Standards {\n  standards(first: 1) {\n    totalCount\n  }\n}"
SCHOOLS = "query Schools {\n  schools(first: 1) {\n    totalCount\n  }\n}"
UNREGISTERED = "query Bodies { awardingBodies(first: 1) { totalCount } }"


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()  # noqa: S324 - codegen's default id


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def manifest(tmp_path: Path, entries: dict[str, str]) -> Path:
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps(entries))
    return path


async def register(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # codegen's default (SHA-1) and its sha256 option, as the client preset writes them
    path = manifest(tmp_path, {sha1(STANDARDS): STANDARDS, f"sha256:{sha256(SCHOOLS)}": SCHOOLS})
    code, out, err = await _run(app, "operations", "add", str(path))
    assert code == 0, err
    assert "2 operations registered, 0 already registered" in out


async def test_the_cli_registers_a_manifest_once(api, tmp_path):
    # given a manifest registered by the CLI
    await register(api.app, tmp_path)

    # when it is registered again
    code, out, _ = await _run(
        api.app, "operations", "add", str(tmp_path / "persisted-documents.json")
    )

    # then nothing is added twice, and the names are stored for the metrics
    assert code == 0
    assert "0 operations registered, 2 already registered" in out
    rows = (
        await TrustedOperation.all()
        .order_by("operation_names")
        .values_list("operation_names", flat=True)
    )
    assert rows == ["Schools", "Standards"]
    code, out, _ = await _run(api.app, "operations", "list")
    assert sha1(STANDARDS) in out
    assert "Schools" in out


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ({sha1(STANDARDS): STANDARDS, "0" * 40: SCHOOLS}, "the hash is not the hash"),
        (
            {sha1(STANDARDS): STANDARDS, sha1("{ nope }"): "{ nope }"},
            "not valid against the schema",
        ),
        ({"not-a-hash": STANDARDS}, "keys are hex SHA-1 or SHA-256"),
        ({sha1("query {"): "query {"}, "not a GraphQL document"),
    ],
)
async def test_a_bad_manifest_registers_nothing(api, tmp_path, entries, reason):
    # given a manifest with one good and one bad entry (or only a bad one)
    path = manifest(tmp_path, entries)

    # when it is added
    code, _, err = await _run(api.app, "operations", "add", str(path))

    # then the command fails naming the reason, and nothing is stored
    assert code == 2
    assert reason in err
    assert await TrustedOperation.all().count() == 0


async def test_an_unreadable_manifest_registers_nothing(api, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")

    code, _, err = await _run(api.app, "operations", "add", str(path))

    assert code == 2
    assert "not a readable JSON file" in err
    assert await TrustedOperation.all().count() == 0


async def test_a_client_sends_only_the_hash(api, tmp_path):
    # given a registered manifest
    await register(api.app, tmp_path)

    # when clients send only hashes, in both conventions codegen documents
    by_document_id = await api.http.post("/graphql", json={"documentId": sha1(STANDARDS)})
    by_prefixed_id = await api.http.post(
        "/graphql", json={"documentId": f"sha256:{sha256(SCHOOLS)}"}
    )
    apollo = await api.http.post(
        "/graphql",
        json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(STANDARDS)}}},
    )
    by_get = await api.http.get(
        "/graphql", params={"documentId": sha1(STANDARDS)}, headers={"accept": "application/json"}
    )

    # then each runs the registered document
    for response in (by_document_id, apollo, by_get):
        assert response.status_code == 200, response.text
        assert response.json()["data"]["standards"]["totalCount"] == 0
    assert by_prefixed_id.json()["data"]["schools"]["totalCount"] == 0


async def test_an_unknown_or_mismatched_hash_is_refused(api, tmp_path):
    # given a registered manifest
    await register(api.app, tmp_path)

    # when a client sends an unknown hash, garbage, or another text under a known hash
    unknown = await api.http.post("/graphql", json={"documentId": sha1(UNREGISTERED)})
    garbage = await api.http.post("/graphql", json={"documentId": {"$ne": 1}})
    mismatched = await api.http.post(
        "/graphql", json={"documentId": sha1(STANDARDS), "query": UNREGISTERED}
    )

    # then each is a 400 with a code a client can act on
    assert unknown.status_code == garbage.status_code == mismatched.status_code == 400
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert garbage.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert mismatched.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_MISMATCH"


async def test_only_registered_operations_run_when_so_configured(api, tmp_path):
    # given a registered manifest and a server that runs only registered operations
    await register(api.app, tmp_path)
    settings = dataclasses.replace(api.app.state.settings, trusted_documents_only=True)
    strict = Api(create_app(settings, migrate=False, demo=False))
    try:
        # when a client sends free text, the full text of a registered document, or a hash
        free = await strict.http.post("/graphql", json={"query": UNREGISTERED})
        full_text = await strict.http.post("/graphql", json={"query": STANDARDS})
        hashed = await strict.http.post("/graphql", json={"documentId": sha256(SCHOOLS)})
    finally:
        await strict.http.aclose()

    # then free text is refused with a clear code; registered documents run
    assert free.status_code == 400
    error = free.json()["errors"][0]
    assert error["extensions"]["code"] == "TRUSTED_DOCUMENT_REQUIRED"
    assert "registered operations" in error["message"]
    assert "data" not in free.json()
    assert full_text.status_code == hashed.status_code == 200
    assert full_text.json()["data"]["standards"]["totalCount"] == 0
    assert hashed.json()["data"]["schools"]["totalCount"] == 0


async def test_free_text_still_runs_by_default(api):
    response = await api.http.post("/graphql", json={"query": UNREGISTERED})

    assert response.status_code == 200
    assert response.json()["data"]["awardingBodies"]["totalCount"] == 0


async def test_registered_and_example_names_become_metric_labels(api, tmp_path, monkeypatch):
    # given a registered manifest and no names known yet
    monkeypatch.setattr(metrics, "_known", set())
    await register(api.app, tmp_path)
    assert metrics.operation_label("Standards") == metrics.OTHER

    # when the server registers the names at start-up
    names = await register_metric_names(build_schema(api.app.state.settings)._schema)

    # then the registered and the example operations are labels, anything else is not
    assert {"Standards", "Schools", "ExamPage", "ChairSigningQueue"} <= set(names)
    assert metrics.operation_label("Standards") == "Standards"
    assert metrics.operation_label("ExamPage") == "ExamPage"
    assert metrics.operation_label("Bodies") == metrics.OTHER


def test_the_example_operations_are_valid_and_named(app):
    schema = build_schema(app.state.settings)._schema
    examples = example_operations(schema)
    assert {
        "ExamPage",
        "SchoolExams",
        "ChairSigningQueue",
        "StandardsSearch",
        "MyResults",
    } <= {name for d in examples for name in d.names}


async def test_an_upload_is_held_to_the_same_rule(api, tmp_path):
    # given documentVerify registered, and a server that runs only registered operations
    verify = (
        "mutation Verify($file: Upload!) { documentVerify(file: $file) { userErrors { code } } }"
    )
    code, _, err = await _run(
        api.app, "operations", "add", str(manifest(tmp_path, {sha1(verify): verify}))
    )
    assert code == 0, err
    settings = dataclasses.replace(api.app.state.settings, trusted_documents_only=True)
    strict = Api(create_app(settings, migrate=False, demo=False))

    async def upload(query: str):  # type: ignore[no-untyped-def]
        return await strict.http.post(
            "/graphql",
            data={
                "operations": json.dumps({"query": query, "variables": {"file": None}}),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": ("upload.pdf", b"not a pdf", "application/pdf")},
        )

    try:
        # when a multipart upload sends the registered text, and another text
        registered = await upload(verify)
        other = await upload(verify.replace("code", "message"))
    finally:
        await strict.http.aclose()

    # then the registered one runs (the file is no PDF: a user error), the other is refused
    assert registered.status_code == 200, registered.text
    errors = registered.json()["data"]["documentVerify"]["userErrors"]
    assert [e["code"] for e in errors] == ["DOCUMENT_UNREADABLE"]
    assert other.status_code == 400
    assert other.json()["errors"][0]["extensions"]["code"] == "TRUSTED_DOCUMENT_REQUIRED"
