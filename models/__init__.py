"""The domain model: Tortoise models and the plain-Python rules that belong to them.

Nothing in this package imports strawberry or starlette, so the CLI, the worker and the
tests reuse it as it is.
"""
