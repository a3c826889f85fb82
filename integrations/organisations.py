"""Schools (from EHIS) and awarding bodies (from the standards register) are organisations,
kept by kind and code: upserted the same way by both imports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from integrations.database import Changes, assign, fetch_in, values_in
from integrations.report import KindCounts
from models.enums import OrganisationKind
from models.organisation import Organisation


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    """An organisation as a source names it: its code, name and e-mail address."""

    code: str
    name: str
    email: str | None  # None: keep what is stored


async def upsert_organisations(
    connection: BaseDBAsyncClient,
    kind: OrganisationKind,
    rows: Sequence[OrganisationRow],
    counts: KindCounts,
) -> None:
    """Insert new organisations of `kind`, update changed names and e-mail addresses."""
    of_kind = Organisation.filter(kind=kind)
    existing = {
        o.code: o for o in await fetch_in(of_kind, "code", (r.code for r in rows), connection)
    }
    changes = Changes(Organisation, connection)
    for row in rows:
        values: dict[str, Any] = {"name": row.name}
        if row.email is not None:
            values["email"] = row.email
        organisation = existing.get(row.code)
        if organisation is None:
            changes.create(Organisation(kind=kind, code=row.code, **values))
            counts.tally(created=True, changed=True)
        else:
            changed = assign(organisation, values)
            changes.update(organisation, changed)
            counts.tally(created=False, changed=bool(changed))
    await changes.flush()


async def organisation_ids(
    connection: BaseDBAsyncClient, kind: OrganisationKind, codes: Iterable[str]
) -> dict[str, int]:
    """The IDs of the organisations of `kind` with these codes (those that exist)."""
    rows = await values_in(
        Organisation.filter(kind=kind), "code", codes, ("code", "id"), connection
    )
    return {code: id_ for code, id_ in rows}
