"""The `info` every field resolver receives: Strawberry's Info over our request context.

The context (viewer, settings, per-request loaders) is assembled on the resolvers' side; the
schema names it for the type checker only, so nothing under schema/ imports resolvers/ at run
time, and `info.context.loaders.group.by_exam` is checked by mypy all the same. At run time
the alias is Strawberry's plain `Info`, which Strawberry recognises in any signature.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import strawberry

if TYPE_CHECKING:
    from resolvers.context import Context

    Info: TypeAlias = strawberry.Info[Context, None]
else:
    Info = strawberry.Info
