"""What docker/Dockerfile builds: from the lock, non-root, GraphiQL fetched at build time,
and the runtime dependencies it installs are enough for every module our packages import.

There is no Docker engine where the tests run, so the image is not built here; the last test
catches what broke an image before (httpx imported at start but declared for tests only).
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()
OUR_PACKAGES = ("app", "schema", "resolvers", "models", "signing", "integrations", "mail")


def test_the_image_installs_from_the_lock_without_test_tools_and_runs_as_no_root():
    assert DOCKERFILE.count("\nFROM ") >= 3  # node, build and runtime stages
    assert "pip install -c requirements.lock -r runtime-requirements.txt" in DOCKERFILE
    assert "[dev]" not in DOCKERFILE
    assert "eksamihaldus assets" in DOCKERFILE
    [user] = re.findall(r"^USER (\S+)$", DOCKERFILE, re.MULTILINE)
    assert not user.startswith(("0", "root"))
    assert 'ENTRYPOINT ["eksamihaldus"]' in DOCKERFILE
    assert "EH_MIGRATE_ON_START=false" in DOCKERFILE


def test_the_build_context_leaves_out_what_the_image_does_not_need():
    ignored = (ROOT / ".dockerignore").read_text().split()

    assert {".git", ".venv", "var", "tests"} <= set(ignored)
    assert "README.md" not in ignored  # pyproject.toml names it as the package's readme
    assert "LICENSE" not in ignored  # and this as its licence file: the build needs both
    assert "COPY README.md LICENSE ./" in (ROOT / "docker" / "Dockerfile").read_text()


def _imported_top_level_modules() -> set[str]:
    names: set[str] = set()
    for package in OUR_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - set(OUR_PACKAGES) - {"__future__"}


def _runtime_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    todo = [Requirement(line) for line in project["dependencies"]]
    seen: set[str] = set()
    while todo:
        requirement = todo.pop()
        name = requirement.name.lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        for line in importlib.metadata.requires(requirement.name) or []:
            needed = Requirement(line)
            if needed.marker is None or needed.marker.evaluate({"extra": ""}):
                todo.append(needed)
        for extra in requirement.extras:
            for line in importlib.metadata.requires(requirement.name) or []:
                needed = Requirement(line)
                if needed.marker is not None and needed.marker.evaluate({"extra": extra}):
                    todo.append(needed)
    return seen


def test_every_module_our_code_imports_comes_with_a_runtime_dependency():
    providers = importlib.metadata.packages_distributions()
    runtime = _runtime_distributions()

    missing = {
        module: providers.get(module)
        for module in _imported_top_level_modules()
        if not any(d.lower().replace("_", "-") in runtime for d in providers.get(module, []))
    }

    assert missing == {}
