"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.auth import KeyRing
from app.settings import Settings
from models.access import Viewer
from resolvers.loaders import Loaders


@dataclass
class Context:
    viewer: Viewer
    settings: Settings
    keys: KeyRing
    loaders: Loaders
    request: Any = None
    response: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
