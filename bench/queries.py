"""The GraphQL documents the benchmark sends, and the check that the reference returns the same.

Equality is checked after parsing both bodies; timestamps are compared as instants (Python
and PostgreSQL spell the same instant differently), everything else exactly, order included.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

_EXAM_BODY = """
      groups {
        id name limit date time place room participantCount
        committee { role person { firstName lastName } }
        participants {
          id kind course fundingCode stateFunded specialNeeds result score
          person { firstName lastName personalCode }
        }
      }
      protocols {
        id kind number date status
        signatures { signerRole signedAt method signer { firstName lastName } }
      }"""

EXAM_PAGE = f"""query ExamPage($id: ID!) {{
  exam(id: $id) {{
      id status graduationDate language
      school {{ name }}
      standard {{ name ekrLevel }}{_EXAM_BODY}
  }}
}}"""

SCHOOL_LIST = f"""query SchoolList($first: Int!) {{
  exams(first: $first) {{
    edges {{ node {{
      id status graduationDate language{_EXAM_BODY}
    }} }}
  }}
}}"""

_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, str) and _INSTANT.match(value):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def first_difference(a: Any, b: Any, path: str = "$") -> str | None:
    """Where two parsed JSON values first differ, or None when they are equal."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} != {list(b)}"
        for key in a:
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{index}]")
            if found:
                return found
        return None
    if type(a) is not type(b) or a != b:
        return f"{path}: {a!r} != {b!r}"
    return None


def count_nodes(value: Any) -> int:
    """Objects in a response: a rough measure of how much GraphQL had to resolve."""
    if isinstance(value, dict):
        return 1 + sum(count_nodes(item) for item in value.values())
    if isinstance(value, list):
        return sum(count_nodes(item) for item in value)
    return 0


def count_fields(value: Any) -> int:
    """Every field value in a response (what GraphQL completes one by one)."""
    if isinstance(value, dict):
        return sum(1 + count_fields(item) for item in value.values())
    if isinstance(value, list):
        return sum(count_fields(item) for item in value)
    return 0
