"""The per-request context every resolver receives (as `schema.info.Info`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.auth import KeyRing
from app.download_links import signed_download_url
from app.settings import Settings
from integrations.population_register import PopulationRegister
from models.access import Viewer
from models.workflow.signing import SigningSetup
from resolvers.loaders import Loaders

if TYPE_CHECKING:
    from app.live import LiveConnection


@dataclass
class Context:
    viewer: Viewer
    settings: Settings
    keys: KeyRing
    loaders: Loaders
    register: PopulationRegister | None = None
    signing: SigningSetup | None = None
    request: Any = None
    response: Any = None
    # The compiled read path (resolvers/compiled) answers root fields here; off, every field
    # takes the resolvers. Its JSON goes into the response unparsed only where the caller
    # encodes the response itself (the HTTP app), not for schema.execute() in tests.
    compiled_reads: bool = True
    splice_json: bool = False

    def download_url(self, path: str) -> str:
        """An absolute, short-lived link to `path` for this request's viewer only."""
        return signed_download_url(self.keys, self.settings, self.viewer, path)

    # On a live-update socket (app/live.py): its signed-in person, checked again per event.
    live: LiveConnection | None = None
    # Filled by Strawberry from a socket's `connection_init` payload.
    connection_params: dict[str, Any] | None = None

    def use_viewer(self, viewer: Viewer) -> None:
        """Act as `viewer` from now on (a socket signs in after its context was made)."""
        self.viewer = viewer
        self.loaders = Loaders(viewer)
