"""Searching by name or code, as a person types it, the same on SQLite and PostgreSQL.

A name matches when it contains every word of the search, in any case (Estonian letters
too: ``models.sqlite_unicode`` gives SQLite the case mapping PostgreSQL has). A code matches
exactly; a search longer than the code column cannot be a code, so it is not compared with
it (the ORM would refuse the value, and the search would fail instead of finding the name).
"""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.models import Model

__all__ = ["name_or_code", "words_in"]


def words_in(*paths: str, search: str) -> Q:
    """Rows where each word of ``search`` is contained in the text at one of ``paths``
    (e.g. a first or a last name), ignoring case: "mari maasikas" finds Mari Maasikas."""
    condition = Q()
    for word in search.split():
        condition &= Q(*(Q(**{f"{path}__icontains": word}) for path in paths), join_type="OR")
    return condition


def name_or_code(search: str, *, name: str, code: str, code_column: tuple[type[Model], str]) -> Q:
    """Rows whose name contains the words of ``search``, or whose code is ``search``.

    Args:
        search: What was typed; surrounding blanks are ignored.
        name: Path of the name, e.g. ``"name"`` or ``"curriculum__name"``.
        code: Path of the code, e.g. ``"code"`` or ``"curriculum__ehis_code"``.
        code_column: The model and field the code is stored in, for its length.
    """
    text = search.strip()
    if not text:
        return Q()
    model, field = code_column
    length = getattr(model._meta.fields_map[field], "max_length", None)
    if length is not None and len(text) > length:
        return words_in(name, search=text)
    return Q(words_in(name, search=text), Q(**{code: text}), join_type="OR")
