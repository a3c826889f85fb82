"""Exam groups within the viewer's scope, and their assessment committees."""

from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from models.access import Viewer, group_scope, visible_groups
from models.group import ExamGroup as ExamGroupRow
from resolvers.loaders.batch import batched, by_key, grouped
from resolvers.loaders.person import PERSON_COLUMNS, joined_person
from resolvers.sql import KeyedSelect
from schema.group import GROUP_COLUMNS, CommitteeMember, ExamGroup

COMMITTEE_BY_GROUP = KeyedSelect(
    f"SELECT c.group_id, c.role, c.person_id, {PERSON_COLUMNS} "
    "FROM committee_member c JOIN person pe ON pe.id = c.person_id "
    "WHERE c.group_id {keys} ORDER BY c.id",
    sqlite_types={},
)


class GroupLoaders:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    @cached_property
    def by_id(self) -> DataLoader[int, ExamGroup | None]:
        async def load(ids: list[int]) -> list[ExamGroup | None]:
            scope = visible_groups(self.viewer)
            if scope is None:
                return [None] * len(ids)
            rows = await ExamGroupRow.filter(scope, id__in=ids).values(*GROUP_COLUMNS)
            return by_key(ids, ((row["id"], ExamGroup.from_row(row)) for row in rows))

        return batched(load)

    @cached_property
    def by_exam(self) -> DataLoader[int, list[ExamGroup]]:
        """Only reached from an exam the viewer may see."""

        async def load(exam_ids: list[int]) -> list[list[ExamGroup]]:
            rows = (
                await ExamGroupRow.filter(group_scope(self.viewer), exam_id__in=exam_ids)
                .order_by("name", "id")
                .values(*GROUP_COLUMNS)
            )
            groups = [(row["exam_id"], ExamGroup.from_row(row)) for row in rows]
            for _, group in groups:
                self.by_id.prime(group.pk, group)
            return grouped(exam_ids, groups)

        return batched(load)

    @cached_property
    def committee(self) -> DataLoader[int, list[CommitteeMember]]:
        """By group; only reached from a group the viewer may see."""

        async def load(group_ids: list[int]) -> list[list[CommitteeMember]]:
            rows = await COMMITTEE_BY_GROUP.fetch(group_ids)
            return grouped(
                group_ids,
                (
                    (
                        row["group_id"],
                        CommitteeMember(role=row["role"], person=joined_person(self.viewer, row)),
                    )
                    for row in rows
                ),
            )

        return batched(load)
