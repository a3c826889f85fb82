"""The GraphQL types, per domain. This package knows GraphQL and nothing of the database."""
