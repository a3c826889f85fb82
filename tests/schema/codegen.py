"""graphql-codegen and TypeScript from the npm registry, installed once into a cache folder.

Like GraphiQL's files (app/graphiql.py), nothing of it is committed: `npm install` fetches the
pinned versions into `var/cache/codegen-<pins>/` (or `$EH_VAR_DIR/...`) on first use.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from app.settings import VAR_DIR

PACKAGES = (
    "@graphql-codegen/cli@5.0.7",
    "@graphql-codegen/client-preset@4.8.3",
    "graphql@16.11.0",
    "typescript@5.9.3",
)
NPM_TIMEOUT_SECONDS = 600


class NpmMissing(RuntimeError):
    """npm is not installed: the codegen contract test cannot run here."""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def codegen_dir() -> Path:
    """A folder with node_modules holding the pinned packages (installed when missing)."""
    npm = shutil.which("npm")
    if npm is None:
        raise NpmMissing("npm is not installed (needed for graphql-codegen and tsc)")
    pins = hashlib.sha256(" ".join(PACKAGES).encode()).hexdigest()[:12]
    directory = VAR_DIR / "cache" / f"codegen-{pins}"
    done = directory / ".installed"
    if done.exists():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "package.json").write_text('{"private": true}\n')
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [npm, "install", "--no-audit", "--no-fund", "--silent", "--save-exact", *PACKAGES],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=NPM_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"npm install failed: {result.stderr.strip()[-2000:]}")
    done.write_text(" ".join(PACKAGES) + "\n")
    return directory
