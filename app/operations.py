"""Trusted documents (persisted operations) and the example operations of real screens.

A front-end's build runs graphql-codegen with `persistedDocuments: true`, which writes a
manifest, `persisted-documents.json`: one JSON object from each document's hash (hex SHA-1 by
default, SHA-256 when so configured, optionally `sha256:`-prefixed) to its normalised text.
`eksamihaldus operations add MANIFEST.json` checks every entry (the hash is the text's, the
document is valid against this schema) and stores them all or nothing.

A client may then send only the hash, in either convention codegen's documentation shows:
the GraphQL-over-HTTP persisted-documents field `{"documentId": "<hash>", "variables": …}`,
or Apollo's `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hash>"}}}`.
With `EH_TRUSTED_DOCUMENTS_ONLY` a request whose text is not registered is refused with
`TRUSTED_DOCUMENT_REQUIRED`; an unknown hash is `PERSISTED_QUERY_NOT_FOUND` in any mode.

Metric labels are only registered names (app/metrics.py): at start-up the server registers the
names of the stored documents and of the example operations in `schema/operations/`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import GraphQLSchema, OperationDefinitionNode, parse, validate
from graphql.error import GraphQLError
from strawberry.http import GraphQLRequestData
from tortoise.transactions import in_transaction

from app.metrics import register_operation_names
from app.settings import PROJECT_ROOT
from models.operation import TrustedOperation

EXAMPLES_DIR = PROJECT_ROOT / "schema" / "operations"

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
REQUIRED = "TRUSTED_DOCUMENT_REQUIRED"
MISMATCH = "PERSISTED_QUERY_MISMATCH"

_HEX = re.compile(r"(?:sha256:)?[0-9a-f]{40}(?:[0-9a-f]{24})?")
# A document is cached after its first use; the set is what the front-ends registered.
_CACHE_LIMIT = 10_000


class ManifestError(ValueError):
    """The manifest cannot be registered; the message names the entry and the reason."""


class TrustedDocumentRefused(Exception):
    """A request that names no registered document where one is required."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Document:
    document_id: str
    text: str
    names: tuple[str, ...]


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _bare(document_id: str) -> str:
    return document_id.removeprefix("sha256:")


def _hash_matches(document_id: str, text: str) -> bool:
    bare = _bare(document_id)
    if len(bare) == 40 and not document_id.startswith("sha256:"):
        return hashlib.sha1(text.encode()).hexdigest() == bare  # noqa: S324 - codegen's id
    return text_sha256(text) == bare


def checked_document(schema: GraphQLSchema, document_id: str, text: str, where: str) -> Document:
    """One manifest entry or example file, checked against the schema."""
    try:
        node = parse(text)
    except GraphQLError as error:
        raise ManifestError(f"{where}: not a GraphQL document ({error.message})") from None
    problems = validate(schema, node)
    if problems:
        raise ManifestError(f"{where}: not valid against the schema: {problems[0].message}")
    names = tuple(
        d.name.value for d in node.definitions if isinstance(d, OperationDefinitionNode) and d.name
    )
    return Document(document_id, text, names)


def read_manifest(path: Path, schema: GraphQLSchema) -> list[Document]:
    """The entries of a persisted-documents manifest, every one checked.

    Raises:
        ManifestError: the file is unreadable, an entry's hash is not its text's, or a
            document is not valid against the schema (then nothing is registered).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ManifestError(f"{path}: not a readable JSON file ({type(error).__name__})") from None
    if not isinstance(data, dict) or not data:
        raise ManifestError(f"{path}: expected a JSON object from hash to document")
    documents = []
    for document_id, text in data.items():
        where = f"{path}: {document_id[:80]}"
        if not _HEX.fullmatch(document_id) or not isinstance(text, str):
            raise ManifestError(f"{where}: keys are hex SHA-1 or SHA-256 hashes, values texts")
        if not _hash_matches(document_id, text):
            raise ManifestError(f"{where}: the hash is not the hash of the document's text")
        documents.append(checked_document(schema, document_id, text, where))
    return documents


def example_operations(schema: GraphQLSchema, directory: Path = EXAMPLES_DIR) -> list[Document]:
    """The example operations of real screens (`schema/operations/*.graphql`), checked."""
    return [
        checked_document(schema, f"sha256:{text_sha256(p.read_text())}", p.read_text(), p.name)
        for p in sorted(directory.glob("*.graphql"))
    ]


async def add_documents(documents: list[Document]) -> tuple[int, int]:
    """Store the documents (in one transaction); returns (added, already registered)."""
    added = unchanged = 0
    async with in_transaction() as connection:
        for document in documents:
            known = TrustedOperation.filter(document_id=document.document_id)
            if await known.using_db(connection).exists():
                unchanged += 1
                continue
            await TrustedOperation.create(
                document_id=document.document_id,
                text_sha256=text_sha256(document.text),
                document=document.text,
                operation_names=" ".join(document.names),
                using_db=connection,
            )
            added += 1
    register_operation_names(name for d in documents for name in d.names)
    return added, unchanged


async def register_metric_names(schema: GraphQLSchema) -> list[str]:
    """Let the registered and the example operations' names be metric labels."""
    names = [name for d in example_operations(schema) for name in d.names]
    for row in await TrustedOperation.all().values_list("operation_names", flat=True):
        names += str(row).split()
    register_operation_names(names)
    return names


class TrustedDocuments:
    """Resolves hashes to registered texts (cached per process) and, when only registered
    documents may run, refuses anything else."""

    def __init__(self, *, only_trusted: bool) -> None:
        self.only_trusted = only_trusted
        self._texts: dict[str, str] = {}
        self._trusted_texts: set[str] = set()

    async def _lookup(self, document_id: str) -> str | None:
        text = self._texts.get(document_id)
        if text is not None:
            return text
        bare = _bare(document_id)
        row = await TrustedOperation.filter(document_id__in=[bare, f"sha256:{bare}"]).values(
            "document", "operation_names"
        ) or await TrustedOperation.filter(text_sha256=bare).values("document", "operation_names")
        if not row:
            return None
        text = row[0]["document"]
        register_operation_names(str(row[0]["operation_names"]).split())
        self._remember(document_id, text)
        return text

    def _remember(self, document_id: str, text: str) -> None:
        if len(self._texts) >= _CACHE_LIMIT:
            self._texts.clear()
            self._trusted_texts.clear()
        self._texts[document_id] = text
        self._trusted_texts.add(text_sha256(text))

    async def _is_registered_text(self, text: str) -> bool:
        digest = text_sha256(text)
        if digest in self._trusted_texts:
            return True
        return await self._lookup(digest) == text

    async def apply(self, request: GraphQLRequestData) -> None:
        """Put the registered text of a hash-only request in place, or refuse the request."""
        extensions: dict[str, Any] = (
            request.extensions if isinstance(request.extensions, dict) else {}
        )
        document_id = extensions.pop(DOCUMENT_ID, None)
        persisted = extensions.get("persistedQuery")
        if document_id is None and isinstance(persisted, dict):
            document_id = persisted.get("sha256Hash")
        if document_id is not None:
            if not isinstance(document_id, str) or not _HEX.fullmatch(document_id):
                raise TrustedDocumentRefused(NOT_FOUND, _NOT_FOUND_MESSAGE)
            text = await self._lookup(document_id)
            if text is None:
                raise TrustedDocumentRefused(NOT_FOUND, _NOT_FOUND_MESSAGE)
            if request.query is not None and request.query != text:
                raise TrustedDocumentRefused(
                    MISMATCH,
                    "Päringu tekst ei vasta räsile. / The query text is not the registered "
                    "document of this hash.",
                )
            request.query = text
            return
        if self.only_trusted and request.query is not None:
            if not await self._is_registered_text(request.query):
                raise TrustedDocumentRefused(
                    REQUIRED,
                    "Server täidab ainult registreeritud päringuid. / This server runs only "
                    "registered operations: send the hash of one (documentId).",
                )


# Where `documentId` (a top-level field of the request) travels inside Strawberry, which keeps
# only query, variables, operationName and extensions.
DOCUMENT_ID = "eksamihaldus.documentId"
_NOT_FOUND_MESSAGE = (
    "Tundmatu päringu räsi. / PersistedQueryNotFound: no registered document has this hash."
)


def attach_document_ids(parsed: Any, raw: Any) -> None:
    """Copy each raw request's top-level `documentId` into its parsed request's extensions."""
    pairs = zip(parsed, raw, strict=False) if isinstance(parsed, list) else [(parsed, raw)]
    for request, item in pairs:
        if not isinstance(item, dict) or "documentId" not in item:
            continue
        if request.extensions is None:
            request.extensions = {}
        if isinstance(request.extensions, dict):
            request.extensions[DOCUMENT_ID] = item["documentId"]
