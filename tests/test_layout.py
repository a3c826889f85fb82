"""Our top-level packages are the ones imported, never a PyPI distribution of the same name."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUR_PACKAGES = ("app", "schema", "resolvers", "models", "signing", "integrations", "mail")


@pytest.mark.parametrize("package", OUR_PACKAGES)
def test_our_package_is_imported_from_the_checkout(package):
    spec = importlib.util.find_spec(package)

    assert spec is not None
    assert spec.origin is not None
    assert Path(spec.origin).resolve().is_relative_to(ROOT), (
        f"`import {package}` resolves to {spec.origin}, not to this checkout"
    )


def test_no_installed_distribution_provides_a_package_of_ours():
    providers = importlib.metadata.packages_distributions()

    clashes = {
        package: [d for d in providers.get(package, []) if d != "eksamihaldus"]
        for package in OUR_PACKAGES
    }
    assert {p: d for p, d in clashes.items() if d} == {}


def test_the_fixed_top_level_folders_exist():
    for folder in (*OUR_PACKAGES, "tests", "docker", "bench"):
        assert (ROOT / folder).is_dir(), folder


def test_the_lock_file_names_only_released_versions():
    """A `name @ file:///...` line installs on the machine that wrote it and nowhere else."""
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    pins = [line for line in lines if line.strip() and not line.startswith("#")]

    assert pins
    assert [line for line in pins if "==" not in line or "@" in line] == []
