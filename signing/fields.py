"""What signing needs to know about a signature field.

The renderers in ``signing.documents`` return ``FieldPlacement`` records; signing accepts
anything with the same ``name``, ``page`` and ``box``, so it does not import the renderers.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["SignatureField"]


class SignatureField(Protocol):
    """A signature form field: name, 0-based page and ``(x1, y1, x2, y2)`` box in points.

    ``signing.documents.FieldPlacement`` satisfies it.
    """

    @property
    def name(self) -> str: ...

    @property
    def page(self) -> int: ...

    @property
    def box(self) -> tuple[int, int, int, int]: ...
