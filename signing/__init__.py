"""Producing and verifying PAdES-signed protocols (pyHanko). Knows nothing of GraphQL."""
