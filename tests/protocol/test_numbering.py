"""Commission protocol numbers and certificate register numbers: no gap, no duplicate."""

from __future__ import annotations

import asyncio
import re

import pytest
from tortoise.transactions import in_transaction

from models.access import Viewer
from models.counters import CERTIFICATES, next_protocol_number, take_register_numbers
from models.enums import ExamStatus, Role
from models.protocol import Protocol
from models.workflow.protocol import create_commission_protocol
from tests.factories import create_awarding_body, create_user
from tests.protocol.conftest import make_held_exam


class Boom(Exception):
    pass


async def test_a_rolled_back_number_is_given_again(empty_db):
    body = await create_awarding_body()

    async def take_then_fail() -> None:
        async with in_transaction() as connection:
            assert await next_protocol_number(connection, body.id, 2026) == 1
            raise Boom

    with pytest.raises(Boom):
        await take_then_fail()
    async with in_transaction() as connection:
        again = await next_protocol_number(connection, body.id, 2026)
        other_year = await next_protocol_number(connection, body.id, 2027)
        next_one = await next_protocol_number(connection, body.id, 2026)

    assert (again, next_one, other_year) == (1, 2, 1)


async def test_register_numbers_continue_after_the_floor_in_blocks(empty_db):
    async with in_transaction() as connection:
        first = await take_register_numbers(connection, CERTIFICATES, 3, floor=100)
        none = await take_register_numbers(connection, CERTIFICATES, 0)
        second = await take_register_numbers(connection, CERTIFICATES, 2, floor=5000)

    assert list(first) == [101, 102, 103]
    assert list(none) == []
    assert list(second) == [104, 105]  # the floor only starts a new register


@pytest.mark.postgres_only
async def test_concurrent_commission_protocols_of_one_body_are_numbered_without_gaps(empty_db):
    body = await create_awarding_body(code="80253652")
    body_user = await create_user(Role.AWARDING_BODY, body)
    chair = await create_user(Role.COMMISSION_CHAIR, body)
    exams = []
    for _ in range(12):
        held = await make_held_exam(groups=1, per_group=2, awarding_body=body)
        held.exam.status = ExamStatus.ASSESSED
        await held.exam.save(update_fields=["status"])
        exams.append(held.exam)
    viewer = Viewer(person_id=body_user.id, role=Role.AWARDING_BODY, organisation_id=body.id)

    protocols = await asyncio.gather(
        *(create_commission_protocol(viewer, exam.id, chair.id) for exam in exams)
    )

    numbers = sorted(
        int(re.fullmatch(r"KP-80253652-\d{4}-(\d+)", p.number).group(1)) for p in protocols
    )  # type: ignore[union-attr, arg-type]
    assert numbers == list(range(1, 13))
    assert await Protocol.filter(kind="COMMISSION").count() == 12
