"""Importing occupational standards: awarding bodies, standard versions, their partial
qualifications, specialisations and awarding-body links, in one transaction.

A version is kept by (code, version) and never renumbered or deleted, so an exam built on an
old version keeps it when a new one arrives. An existing version may change its validity,
classification codes and lists, but not its name or levels: a changed qualification is a new
version, so such a row is refused. A partial qualification or specialisation the file no
longer lists is removed unless a participant or certificate refers to it (then it is kept
and a note says so).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from integrations.database import (
    CHUNK,
    Changes,
    assign,
    chunked,
    fetch_in,
    run_import,
    sync_links,
    values_in,
)
from integrations.organisations import OrganisationRow, organisation_ids, upsert_organisations
from integrations.report import ImportReport, ProgressCallback, no_progress
from integrations.standards.format import (
    AWARDING_BODIES,
    STANDARDS,
    StandardRecord,
    StandardsBatch,
)
from integrations.standards.source import StandardsFileSource, StandardsSource
from models.certificate import Certificate
from models.enums import OrganisationKind
from models.participant import Participant
from models.standard import PartialQualification, Specialisation, Standard, StandardAwardingBody

REPORT_KINDS = (AWARDING_BODIES, STANDARDS)
# The qualification itself: an existing version never changes these.
IDENTITY_FIELDS = ("name", "ekr_level", "eqf_level")


async def import_standards(
    source: StandardsSource | Path,
    *,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import awarding bodies and standard versions in one transaction.

    Bad rows are left out and reported; the good ones are imported. Importing the same data
    twice changes nothing the second time.

    Args:
        source: Where the data comes from; a path is read as a standards JSON file.
        progress: Called as `progress(stage, done, total)` while each stage runs.
        dry_run: Do everything, report it, then roll back.

    Returns:
        Counts per kind (awarding bodies, standards), rejected rows and notes.

    Raises:
        SourceUnreadableError: The source cannot be read at all; nothing was changed.
        ImportAbortedError: The database refused the import; nothing was changed.
    """
    if isinstance(source, Path):
        source = StandardsFileSource(source)
    return await run_import(
        "standards",
        source.name,
        source.read,
        REPORT_KINDS,
        dry_run=dry_run,
        start=lambda connection, batch, report: _StandardsImport(
            connection, batch, report, progress or no_progress
        ),
    )


class _StandardsImport:
    def __init__(
        self,
        connection: BaseDBAsyncClient,
        batch: StandardsBatch,
        report: ImportReport,
        progress: ProgressCallback,
    ) -> None:
        self.db, self.batch, self.report, self.progress = connection, batch, report, progress
        self.body_ids: dict[str, int] = {}
        self.standard_ids: dict[tuple[str, int], int] = {}

    async def run(self) -> None:
        bodies = self.batch.awarding_bodies
        self.progress(AWARDING_BODIES, 0, len(bodies))
        await upsert_organisations(
            self.db,
            OrganisationKind.AWARDING_BODY,
            [OrganisationRow(b.registry_code, b.name, b.email) for b in bodies],
            self.report.counts[AWARDING_BODIES],
        )
        wanted = {code for s in self.batch.standards for code in s.awarding_bodies}
        self.body_ids = await organisation_ids(self.db, OrganisationKind.AWARDING_BODY, wanted)
        self.progress(AWARDING_BODIES, len(bodies), len(bodies))
        await self.standards()

    async def standards(self) -> None:
        records = self.batch.standards
        self.progress(STANDARDS, 0, len(records))
        existing = {
            (s.code, s.version): s
            for s in await fetch_in(Standard.all(), "code", (r.code for r in records), self.db)
        }
        records = [r for r in records if self.acceptable(r, existing.get(r.key))]
        changes = Changes(Standard, self.db)
        changed: set[tuple[str, int]] = set()
        for record in records:
            standard = existing.get(record.key)
            if standard is None:
                changes.create(
                    Standard(code=record.code, version=record.version, **record.attributes())
                )
            else:
                fields = assign(standard, record.attributes())
                changes.update(standard, fields)
                if fields:
                    changed.add(record.key)
        await changes.flush()
        rows = await values_in(
            Standard.all(), "code", {r.code for r in records}, ("code", "version", "id"), self.db
        )
        self.standard_ids = {(code, version): id_ for code, version, id_ in rows}
        changed |= await self.sync_names(
            records, PartialQualification, "partial_qualifications", "partial_qualification_id"
        )
        changed |= await self.sync_names(
            records, Specialisation, "specialisations", "specialisation_id"
        )
        changed |= await self.link_awarding_bodies(records)
        counts = self.report.counts[STANDARDS]
        for record in records:
            counts.tally(created=record.key not in existing, changed=record.key in changed)
        self.progress(STANDARDS, len(records), len(records))

    def acceptable(self, record: StandardRecord, stored: Standard | None) -> bool:
        ok = True
        for position, code in enumerate(record.awarding_bodies, start=1):
            if code not in self.body_ids:
                ok = False
                self.report.reject(
                    record.at,
                    AWARDING_BODIES,
                    f"item {position} is an awarding body in neither the file nor the database",
                )
        for name in IDENTITY_FIELDS if stored is not None else ():
            if getattr(stored, name) != getattr(record, name):
                ok = False
                self.report.reject(
                    record.at,
                    name,
                    f"differs from the stored version {record.version}: "
                    "a changed qualification is a new version",
                )
        return ok

    async def sync_names(
        self,
        records: list[StandardRecord],
        model: type[PartialQualification] | type[Specialisation],
        attribute: str,
        reference: str,
    ) -> set[tuple[str, int]]:
        """Make each standard's named sub-items (partial qualifications or specialisations)
        those of the file; keep removed ones that participants or certificates refer to."""
        ids = {self.standard_ids[r.key]: r for r in records}
        stored: dict[int, dict[str, int]] = {}
        for item_id, standard_id, name in await values_in(
            model.all(), "standard_id", ids, ("id", "standard_id", "name"), self.db
        ):
            stored.setdefault(standard_id, {})[name] = item_id
        new: list[Any] = []
        gone: dict[int, tuple[StandardRecord, str]] = {}
        changed: set[tuple[str, int]] = set()
        for standard_id, record in ids.items():
            want: tuple[str, ...] = getattr(record, attribute)
            have = stored.get(standard_id, {})
            for name in want:
                if name not in have:
                    new.append(model(standard_id=standard_id, name=name))
                    changed.add(record.key)
            for name, item_id in have.items():
                if name not in want:
                    gone[item_id] = (record, name)
        if new:
            await model.bulk_create(new, batch_size=CHUNK, using_db=self.db)
        in_use: set[int] = set()
        for referrer in (Participant, Certificate):
            in_use |= {
                row[0]
                for row in await values_in(referrer.all(), reference, gone, (reference,), self.db)
            }
        for item_id in sorted(in_use):
            record, name = gone[item_id]
            self.report.notes.append(
                f"standard {record.code} version {record.version}: {attribute} item “{name}” "
                "is no longer listed but kept, because exams or certificates use it"
            )
        removable = sorted(gone.keys() - in_use)
        for chunk in chunked(removable):
            await model.filter(id__in=chunk).using_db(self.db).delete()
        changed |= {gone[item_id][0].key for item_id in removable}
        return changed

    async def link_awarding_bodies(self, records: list[StandardRecord]) -> set[tuple[str, int]]:
        """Make each standard's awarding bodies those of the file (exams keep their own)."""
        keys = {self.standard_ids[r.key]: r.key for r in records}
        wanted = {
            self.standard_ids[r.key]: {self.body_ids[code] for code in r.awarding_bodies}
            for r in records
        }
        changed = await sync_links(
            StandardAwardingBody, "standard_id", "awarding_body_id", wanted, self.db
        )
        return {keys[standard_id] for standard_id in changed}
