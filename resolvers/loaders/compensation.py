"""Compensation rates by ID (for the roles that report) and the participants behind the
lines of a compensation report."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import cached_property

from strawberry.dataloader import DataLoader

from models.access import Viewer, report_scope
from models.compensation import CompensationRate as CompensationRateRow
from models.compensation_report import line_participants
from resolvers.loaders.batch import batched, by_key
from schema.compensation import RATE_COLUMNS, CompensationParticipant, CompensationRate

Line = tuple[int, date]


class CompensationLoaders:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    @cached_property
    def rate(self) -> DataLoader[int, CompensationRate | None]:
        """Rates, for the roles that see reports (models.access.report_scope)."""

        async def load(ids: list[int]) -> list[CompensationRate | None]:
            if report_scope(self.viewer) is None:
                return [None] * len(ids)
            rows = await CompensationRateRow.filter(id__in=ids).values(*RATE_COLUMNS)
            return by_key(ids, ((row["id"], CompensationRate.from_row(row)) for row in rows))

        return batched(load)

    @cached_property
    def line_participants(self) -> DataLoader[Line, list[CompensationParticipant]]:
        """By (exam, group date): one query for every line of the answer. Only reached from
        a report computed within the viewer's report scope."""

        async def load(keys: list[Line]) -> list[list[CompensationParticipant]]:
            rows = await line_participants(sorted({exam_id for exam_id, _ in keys}))
            by_line: dict[Line, list[CompensationParticipant]] = defaultdict(list)
            for row in rows:
                by_line[(row.exam_id, row.exam_date)].append(CompensationParticipant.of(row))
            return [by_line.get(key, []) for key in keys]

        return DataLoader(load_fn=load)
