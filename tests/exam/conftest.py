"""The exam workflow's world: a school with a curriculum, students and its awarding body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from models.enums import Role
from models.standard import StandardAwardingBody
from tests.factories import (
    create_awarding_body,
    create_curriculum,
    create_school,
    create_standard,
    create_student,
    create_user,
)


@dataclass
class School:
    school: Any
    body: Any
    standard: Any
    curriculum: Any
    user: Any
    body_user: Any
    students: list[Any]

    def as_school(self) -> tuple[Any, Role]:
        return (self.user, Role.SCHOOL)

    def as_body(self) -> tuple[Any, Role]:
        return (self.body_user, Role.AWARDING_BODY)


@pytest.fixture
async def world(api) -> School:  # type: ignore[no-untyped-def]
    school, body, standard = (
        await create_school(),
        await create_awarding_body(),
        await create_standard(),
    )
    await StandardAwardingBody.create(standard=standard, awarding_body=body)
    curriculum = await create_curriculum(school, standard, nominal_years=3)
    students = [await create_student(curriculum, course=3) for _ in range(8)]
    return School(
        school,
        body,
        standard,
        curriculum,
        await create_user(Role.SCHOOL, school),
        await create_user(Role.AWARDING_BODY, body),
        students,
    )
