"""Boundaries to external registries and providers (EHIS, population register, sign-in)."""
