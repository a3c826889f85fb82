"""Comparing the three answers of bench.peer: what legitimately differs is dropped (each
server's own global IDs, PostGraphile's connection wrappers, instant and time spellings)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bench.queries import count_fields, first_difference

__all__ = ["count_fields", "first_difference", "normalise"]

_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")
_TIME = re.compile(r"^(\d\d:\d\d:\d\d)(\.0+)?$")


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        if list(value) == ["nodes"]:
            return normalise(value["nodes"])
        if list(value) == ["totalCount"]:
            return value["totalCount"]
        return {key: normalise(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, str):
        if _INSTANT.match(value):
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        if match := _TIME.match(value):
            return match.group(1)
    return value
