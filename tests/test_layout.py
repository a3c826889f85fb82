"""Our top-level packages are the ones imported, never a PyPI distribution of the same name."""

from __future__ import annotations

import ast
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


# ----- import direction: app -> resolvers -> schema -> models, signing, mail, integrations -----

# `redact` moves out of app/logs.py on its own branch; these two go with it.
_PENDING = {("mail/templates.py", "app.logs"), ("mail/worker.py", "app.logs")}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(source: str, package: tuple[str, ...], *, count_type_checking: bool) -> set[str]:
    """Every module a module of `package` imports, at top level or inside a function or class;
    imports under `if TYPE_CHECKING:` only when `count_type_checking`."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test) and not count_type_checking:
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def _violations(
    packages: tuple[str, ...], forbidden: tuple[str, ...], *, count_type_checking: bool
) -> set[tuple[str, str]]:
    found = set()
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            source, where = path.read_text(), path.relative_to(ROOT)
            for module in _imports(
                source, where.parts[:-1], count_type_checking=count_type_checking
            ):
                top = module.split(".")[0]
                if top in forbidden:
                    found.add((str(where), ".".join(module.split(".")[:2])))
    return found


def test_schema_never_imports_resolvers_or_app_at_run_time():
    """Types reach data through `info.context.loaders`; the context is named for mypy only."""
    assert _violations(("schema",), ("resolvers", "app"), count_type_checking=False) == set()


def test_the_domain_and_the_boundaries_never_import_the_api_or_the_composition_root():
    found = _violations(
        ("models", "signing", "mail", "integrations"),
        ("schema", "resolvers", "app"),
        count_type_checking=True,
    )
    assert found - _PENDING == set()


def test_the_import_check_sees_imports_inside_functions_and_relative_ones():
    """The checks above would pass vacuously if the parser missed the imports that hide."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from resolvers.context import Context\n"
        "def field():\n"
        "    from resolvers.exam import ExamQuery\n"
        "    from ..app import settings\n"
    )

    hidden = _imports(source, ("schema",), count_type_checking=False)
    everything = _imports(source, ("schema",), count_type_checking=True)

    assert "resolvers.exam" in hidden
    assert "app.settings" in hidden
    assert "resolvers.context" not in hidden
    assert "resolvers.context" in everything
