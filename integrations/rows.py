"""Reading import files and the typed values in their rows.

A file that cannot be read at all raises `SourceUnreadableError`; a bad value in a row
becomes a `RowProblem` (collected by `RowReader`) and only that row is refused.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from integrations.report import RowProblem, RowRef, SourceUnreadableError

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EHIS_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")  # EHIS screens and exports: 1.09.2024
TRUE_WORDS = frozenset({"true", "1", "yes", "jah", "y", "j"})
FALSE_WORDS = frozenset({"false", "0", "no", "ei", "n", "e"})
DATE_REASON = "must be a date, YYYY-MM-DD or DD.MM.YYYY"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run a block with Python's cyclic garbage collector paused.

    Reading a file builds tens of thousands of small objects and no reference cycles; a full
    collection that starts in the middle walks the whole process heap and can cost more than
    a third of the checks of a 10 000-row file. Memory is still freed by reference counting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_json_object(path: Path) -> dict[str, Any]:
    """The top-level JSON object of a UTF-8 file.

    Raises:
        SourceUnreadableError: The file is missing, not UTF-8, not JSON or not an object.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise SourceUnreadableError(f"{path.name}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise SourceUnreadableError(f"{path.name}: is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        # The message names a position, never the text found there.
        raise SourceUnreadableError(
            f"{path.name}: is not valid JSON (line {error.lineno}, column {error.colno})"
        ) from None
    if not isinstance(data, dict):
        raise SourceUnreadableError(f"{path.name}: the top level must be a JSON object")
    return data


def json_rows(path: Path, data: Mapping[str, Any], kind: str) -> list[Any]:
    """The list under `kind` (absent means none).

    Raises:
        SourceUnreadableError: It is there but not a list.
    """
    rows = data.get(kind, [])
    if not isinstance(rows, list):
        raise SourceUnreadableError(f"{path.name}: `{kind}` must be a list")
    return rows


def read_csv_rows(
    path: Path, required_columns: frozenset[str]
) -> Iterator[tuple[int, dict[str, str | None]]]:
    """Yield (spreadsheet row number, values by column) for each data row of a CSV file.

    The delimiter is `,` or `;` (what Estonian spreadsheets write), taken from the header; a
    UTF-8 byte-order mark is allowed. Blank lines are skipped. The whole file is read before
    the first row is yielded, so an unreadable file yields nothing.

    Raises:
        SourceUnreadableError: The file is missing, not UTF-8, malformed CSV, or lacks a
            required column.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise SourceUnreadableError(f"{path.name}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise SourceUnreadableError(f"{path.name}: is not UTF-8 text") from None
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        reader = csv.DictReader(
            io.StringIO(text, newline=""), delimiter=delimiter, restkey="\0extra"
        )
        columns = [c.strip() for c in reader.fieldnames or ()]
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise SourceUnreadableError(f"{path.name}: is not valid CSV ({error})") from None
    missing = sorted(required_columns - set(columns))
    if missing:
        raise SourceUnreadableError(f"{path.name}: missing columns: {', '.join(missing)}")
    for line, row in rows:
        values = {(k or "").strip(): v for k, v in row.items() if k != "\0extra"}
        if "\0extra" in row:
            values["\0extra"] = "yes"
        if all(v is None or not v.strip() for k, v in values.items() if k != "\0extra"):
            continue
        yield line, values


class RowReader:
    """Typed values out of one row (a JSON object or a CSV record), collecting problems.

    A required value that is missing or malformed records a problem and returns a
    placeholder of the right type; the caller keeps the row only when `ok`.
    """

    def __init__(self, values: Mapping[str, Any], at: RowRef) -> None:
        self.values, self.at = values, at
        self.problems: list[RowProblem] = []
        if "\0extra" in values:
            self.problem("-", "the row has more fields than the header")

    @property
    def ok(self) -> bool:
        """Whether the row has no problem so far."""
        return not self.problems

    def problem(self, field: str, reason: str) -> None:
        """Record a problem with `field`; `reason` must not repeat its value."""
        self.problems.append(RowProblem(self.at, field, reason))

    def _raw(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def optional_text(
        self,
        name: str,
        *,
        max_length: int = 255,
        pattern: re.Pattern[str] | None = None,
        expected: str = "",
    ) -> str | None:
        """Text of at most `max_length` characters matching `pattern` (`expected` says what
        it should be, for the reason); None when empty."""
        value = self._raw(name)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(name, "must be text")
            return None
        if len(value) > max_length:
            self.problem(name, f"must be at most {max_length} characters")
            return None
        if pattern is not None and not pattern.fullmatch(value):
            self.problem(name, f"must be {expected}")
            return None
        return value

    def text(
        self,
        name: str,
        *,
        max_length: int = 255,
        pattern: re.Pattern[str] | None = None,
        expected: str = "",
    ) -> str:
        """Like `optional_text`, but required."""
        if self._raw(name) is None:
            self.problem(name, "is required")
            return ""
        value = self.optional_text(name, max_length=max_length, pattern=pattern, expected=expected)
        return value or ""

    def optional_integer(self, name: str, *, minimum: int, maximum: int) -> int | None:
        """A whole number within the bounds (text of digits too); None when empty."""
        value = self._raw(name)
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,9}", value):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(name, "must be a whole number")
            return None
        if not minimum <= value <= maximum:
            self.problem(name, f"must be between {minimum} and {maximum}")
            return None
        return value

    def integer(self, name: str, *, minimum: int, maximum: int) -> int:
        """Like `optional_integer`, but required."""
        if self._raw(name) is None:
            self.problem(name, "is required")
            return minimum
        value = self.optional_integer(name, minimum=minimum, maximum=maximum)
        return minimum if value is None else value

    def optional_date(self, name: str) -> date | None:
        """A date as YYYY-MM-DD or DD.MM.YYYY; None when empty."""
        value = self._raw(name)
        if value is None:
            return None
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed is None:
            self.problem(name, DATE_REASON)
        return parsed

    def date(self, name: str) -> date:
        """Like `optional_date`, but required."""
        if self._raw(name) is None:
            self.problem(name, "is required")
            return date.min
        return self.optional_date(name) or date.min

    def boolean(self, name: str, *, default: bool) -> bool:
        """true/false, 1/0, yes/no, jah/ei (any case); `default` when empty."""
        value = self._raw(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str | int) and str(value).lower() in TRUE_WORDS:
            return True
        if isinstance(value, str | int) and str(value).lower() in FALSE_WORDS:
            return False
        self.problem(name, "must be true or false")
        return default


def parse_date(value: str) -> date | None:
    """An ISO date (2024-09-01) or EHIS's day.month.year (1.09.2024); None if neither."""
    try:
        if ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
        match = EHIS_DATE.fullmatch(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None
