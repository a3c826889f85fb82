"""Example files, file writers and row counts shared by the import tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tortoise import Tortoise

ROOT = Path(__file__).resolve().parents[2]
EHIS_EXAMPLE = ROOT / "integrations" / "ehis" / "example.json"
EHIS_EXAMPLE_STUDENTS = ROOT / "integrations" / "ehis" / "example_students.csv"
STANDARDS_EXAMPLE = ROOT / "integrations" / "standards" / "example.json"


def example(path: Path) -> dict[str, Any]:
    """A fresh copy of an example file's content, to change in a test."""
    return copy.deepcopy(json.loads(path.read_text(encoding="utf-8")))


def write_json(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_csv(folder: Path, name: str, header: str, *rows: str) -> Path:
    path = folder / name
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


def personal_codes_in(path: Path) -> set[str]:
    """Every eleven-digit run in a file that could be a personal code."""
    import re

    return set(re.findall(r"(?<!\d)[1-6]\d{10}(?!\d)", path.read_text(encoding="utf-8")))


async def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to compare before and after."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in Tortoise.apps["models"].values():
        columns = sorted(model._meta.fields_db_projection)
        rows = await model.all().order_by("id").values_list(*columns)
        tables[model._meta.db_table] = [tuple(row) for row in rows]
    return tables
