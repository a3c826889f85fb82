"""Trusted documents: the GraphQL operations a front-end registered at build time.

A front-end's build writes graphql-codegen's persisted-documents manifest (hash → document);
`eksamihaldus operations add MANIFEST.json` stores it here. Clients may then send only the
hash, and with `EH_TRUSTED_DOCUMENTS_ONLY` nothing else is executed.
"""

from __future__ import annotations

from tortoise import fields

from models.base import TimestampedModel


class TrustedOperation(TimestampedModel):
    # As the manifest keys it: codegen's hex SHA-1 or SHA-256 of the document text, with an
    # optional `sha256:` prefix.
    document_id = fields.CharField(max_length=80, unique=True)
    # SHA-256 of the text: a client that sends the whole text of a registered document.
    text_sha256 = fields.CharField(max_length=64, db_index=True)
    document = fields.TextField()
    # The names of the document's operations, space-separated (metric labels).
    operation_names = fields.CharField(max_length=1000, default="")

    class Meta:
        table = "trusted_operation"
        table_description = "A GraphQL document a front-end registered (trusted documents)."
