"""Thin query and mutation code, and the per-request loaders every relation goes through."""
