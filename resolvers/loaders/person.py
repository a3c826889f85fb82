"""People by ID, and people joined into other rows, with the viewer's right to their codes."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from strawberry.dataloader import DataLoader

from models.access import Viewer, sees_personal_code_of
from models.person import Person as PersonRow
from resolvers.loaders.batch import batched, by_key
from schema.person import Person

# The person columns joined into committee, signature and participant rows.
PERSON_COLUMNS = (
    "pe.first_name AS person_first_name, pe.last_name AS person_last_name, "
    "pe.personal_code AS person_personal_code"
)


def joined_person(viewer: Viewer, row: dict[str, Any]) -> Person:
    """The `person_*` columns of a row; the code only for those who may see it."""
    return Person.from_row(
        row, prefix="person_", code_visible=sees_personal_code_of(viewer, row["person_id"])
    )


class PersonLoaders:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    @cached_property
    def by_id(self) -> DataLoader[int, Person | None]:
        async def load(ids: list[int]) -> list[Person | None]:
            rows = await PersonRow.filter(id__in=ids).values(
                person_id="id",
                person_first_name="first_name",
                person_last_name="last_name",
                person_personal_code="personal_code",
            )
            return by_key(
                ids, ((row["person_id"], joined_person(self.viewer, row)) for row in rows)
            )

        return batched(load)
