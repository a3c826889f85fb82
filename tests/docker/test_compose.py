"""docker/compose.yaml is a valid Compose file with the services the README describes.

Compose validates a file with the client alone (no engine): `docker compose` (v2) where the
plugin is installed, else the standalone `docker-compose`; with neither, the test is skipped.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker" / "compose.yaml"
SERVICES = {"postgres", "mailpit", "migrate", "api", "worker"}


def _compose() -> list[str] | None:
    docker = shutil.which("docker")
    if docker is not None:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    return [standalone] if standalone is not None else None


@pytest.fixture(scope="module")
def compose() -> list[str]:
    command = _compose()
    if command is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    return [*command, "-f", str(COMPOSE_FILE)]


def _run(compose: list[str], *args: str) -> str:
    result = subprocess.run(
        [*compose, *args], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_compose_file_is_valid_and_has_every_service(compose):
    _run(compose, "config", "--quiet")

    assert set(_run(compose, "config", "--services").split()) == SERVICES


def test_two_api_replicas_wait_for_the_migration_and_are_checked_for_readiness(compose):
    resolved = _run(compose, "config")

    assert "replicas: 2" in resolved
    assert "service_completed_successfully" in resolved
    assert "/ready" in resolved
    assert "pgdata:/var/lib/postgresql/data" in resolved
    assert "EH_MIGRATE_ON_START: 'false'" in resolved or 'EH_MIGRATE_ON_START: "false"' in resolved
