"""The contract front-ends build on: the example operations of real screens are valid against
the committed SDL, every ErrorCode says what it means and what to do, and graphql-codegen
generates a typed TypeScript client from the examples that `tsc` type-checks. The manifest it
writes registers as trusted documents, and the server runs an operation from its hash alone.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from graphql import GraphQLEnumType, build_schema, parse, validate

from app.operations import EXAMPLES_DIR, add_documents, read_manifest
from app.settings import PROJECT_ROOT
from schema.errors import ERROR_CODE_DESCRIPTIONS, ErrorCode
from tests.schema.codegen import NpmMissing, codegen_dir, in_ci

SDL = PROJECT_ROOT / "schema" / "schema.graphql"
SCREENS = {"ExamPage", "SchoolExams", "ChairSigningQueue", "StandardsSearch", "MyResults"}

# Uses every generated operation type, so a field renamed or retyped in the schema (or a
# nullable field used as if it never were null) fails `tsc --strict`.
CLIENT_TS = """
import {
  ExamPageDocument, type ExamPageQuery, type ExamPageQueryVariables,
  SchoolExamsDocument, type SchoolExamsQuery, ExamStatus,
  ChairSigningQueueDocument, type ChairSigningQueueQuery,
  StandardsSearchDocument, type StandardsSearchQuery, type StandardsSearchQueryVariables,
  MyResultsDocument, type MyResultsQuery,
} from "./gql/graphql";

const documents = [
  ExamPageDocument, SchoolExamsDocument, ChairSigningQueueDocument,
  StandardsSearchDocument, MyResultsDocument,
];
// The persisted-documents hash codegen puts on each document: what a client sends.
export const hashes: string[] = documents.map((d) => (d as any)["__meta__"]["hash"]);

export const examVariables: ExamPageQueryVariables = { id: "RXhhbTox" };
export function examTitle(data: ExamPageQuery): string | null {
  const exam = data.exam;
  if (!exam) return null;
  const links = exam.protocols.map((p) => p.documentDownloadUrl ?? p.extractDownloadUrl);
  const participants: number = exam.participants.totalCount;
  return `${exam.standard.name} (${exam.status}) ${participants} ${links.length}`;
}
export function openExams(data: SchoolExamsQuery): string[] {
  return data.exams.edges
    .filter((e) => e.node.status !== ExamStatus.Completed)
    .map((e) => e.node.curriculum.ehisCode);
}
export function toSign(data: ChairSigningQueueQuery): string[] {
  const me = data.me?.person.id;
  return data.exams.edges.flatMap((e) =>
    e.node.protocols
      .filter((p) => p.signers.some((s) => s.person.id === me && !s.signed))
      .map((p) => p.id),
  );
}
export const search: StandardsSearchQueryVariables = { filter: { name: "kokk", ekrLevel: 4 } };
export function standardNames(data: StandardsSearchQuery): string[] {
  return data.standards.edges.map((e) => `${e.node.code}/${e.node.version} ${e.node.name}`);
}
export function certificates(data: MyResultsQuery): number[] {
  return data.myCertificates.edges.map((e) => e.node.registerNumber);
}
"""

# A use the types must refuse: reading a field no example selected.
WRONG_TS = """
import { type MyResultsQuery } from "./gql/graphql";
export const x = (data: MyResultsQuery): string =>
  data.myCertificates.edges[0].node.holderFirstName;
"""


def test_the_examples_are_valid_against_the_committed_sdl() -> None:
    schema = build_schema(SDL.read_text())
    names = set()
    for path in sorted(EXAMPLES_DIR.glob("*.graphql")):
        document = parse(path.read_text())
        assert validate(schema, document) == [], path.name
        names |= {d.name.value for d in document.definitions if d.name}  # type: ignore[attr-defined]
    assert names >= SCREENS


def test_every_error_code_says_what_it_means_and_what_to_do() -> None:
    schema = build_schema(SDL.read_text())
    enum = schema.type_map["ErrorCode"]
    assert isinstance(enum, GraphQLEnumType)
    assert set(ERROR_CODE_DESCRIPTIONS) == set(ErrorCode)
    for name, value in enum.values.items():
        description = value.description or ""
        sentences = [s for s in description.replace("; ", ". ").split(". ") if s.strip()]
        assert len(sentences) >= 2, f"{name}: say what it means and what a client should do"
        assert description == ERROR_CODE_DESCRIPTIONS[ErrorCode(name)]


def _node(directory: Path, tool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments
        [str(directory / "node_modules" / ".bin" / tool), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The typed client graphql-codegen generates from the examples, with its manifest."""
    try:
        tools = codegen_dir()
    except NpmMissing as missing:
        if in_ci():
            pytest.fail(f"CI must run the codegen contract test: {missing}")
        pytest.skip(f"{missing}; CI runs this test")
    out = tmp_path_factory.mktemp("client")
    (out / "node_modules").symlink_to(tools / "node_modules")
    config = {
        "schema": str(SDL),
        "documents": str(EXAMPLES_DIR / "*.graphql"),
        "generates": {
            str(out / "gql") + "/": {
                "preset": "client",
                "presetConfig": {"persistedDocuments": True, "fragmentMasking": False},
                "config": {
                    "strictScalars": True,
                    "enumsAsTypes": False,
                    "scalars": {
                        "Date": "string",
                        "DateTime": "string",
                        "Time": "string",
                        "JSON": "unknown",
                        "Upload": "File",
                    },
                },
            }
        },
    }
    (out / "codegen.json").write_text(json.dumps(config))
    result = _node(tools, "graphql-codegen", "--config", str(out / "codegen.json"), cwd=tools)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _tsc(out: Path, source: str) -> subprocess.CompletedProcess[str]:
    (out / "client.ts").write_text(source)
    tools = (out / "node_modules").resolve().parent
    return _node(
        tools,
        "tsc",
        "--noEmit",
        "--strict",
        "--target",
        "es2022",
        "--module",
        "esnext",
        "--moduleResolution",
        "bundler",
        "--lib",
        "es2022,dom",
        str(out / "client.ts"),
        cwd=out,
    )


def test_codegen_generates_a_client_that_type_checks(generated: Path) -> None:
    # given the client generated from the example operations
    assert (generated / "gql" / "graphql.ts").is_file()

    # when a front-end's code uses its types, correctly and wrongly
    right = _tsc(generated, CLIENT_TS)
    wrong = _tsc(generated, WRONG_TS)

    # then tsc accepts the right use and refuses the field no operation selected
    assert right.returncode == 0, right.stdout + right.stderr
    assert wrong.returncode != 0
    assert "holderFirstName" in wrong.stdout


async def test_codegens_manifest_registers_and_runs_by_hash(generated: Path, api) -> None:  # type: ignore[no-untyped-def]
    # given the persisted-documents manifest codegen wrote, registered as trusted documents
    manifest = generated / "gql" / "persisted-documents.json"
    schema = build_schema(SDL.read_text())
    documents = read_manifest(manifest, schema)
    added, _ = await add_documents(documents)
    assert added == len(documents) >= len(SCREENS)

    # when a client sends only the hash of the public standards search, as codegen's docs do
    hashes = json.loads(manifest.read_text())
    search = next(h for h, text in hashes.items() if "query StandardsSearch" in text)
    response = await api.http.post(
        "/graphql", json={"documentId": search, "variables": {"filter": {"name": "kokk"}}}
    )

    # then the server runs the registered document
    assert response.status_code == 200, response.text
    assert response.json()["data"]["standards"]["totalCount"] == 0
