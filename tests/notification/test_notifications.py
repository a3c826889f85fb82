"""`notifications` and `notificationsMarkRead`: only your own, and all or nothing."""

from __future__ import annotations

import pytest

from app.sqlcount import count_statements
from models.enums import Role
from models.notification import Notification
from models.person import Person
from schema.node import to_global_id
from tests.factories import create_school, create_user

NOTIFICATIONS = """
query ($unreadOnly: Boolean!) {
  notifications(first: 50, unreadOnly: $unreadOnly) {
    totalCount edges { node { id kind subject body link readAt } }
  }
}"""
MARK_READ = """
mutation ($ids: [ID!], $all: Boolean! = false) {
  notificationsMarkRead(ids: $ids, all: $all) {
    notifications { id readAt }
    unreadCount
    userErrors { field message code }
  }
}"""


async def _notify(person: Person, n: int = 1) -> list[Notification]:
    return [
        await Notification.create(
            recipient=person,
            kind="exam.returned",
            subject=f"Eksam on tagastatud {i} / Exam returned",
            body="Tere!",
            link="http://127.0.0.1:8000/exams/RXhhbTox",
        )
        for i in range(n)
    ]


def _gid(notification: Notification) -> str:
    return to_global_id("Notification", notification.id)


async def _two_people() -> tuple[Person, Person]:
    school = await create_school()
    return await create_user(Role.SCHOOL, school), await create_user(Role.SCHOOL, school)


async def test_unread_only_lists_your_unread_notifications(api):
    me, other = await _two_people()
    read, unread = await _notify(me, 2)
    await _notify(other)
    await Notification.filter(id=read.id).update(read_at=read.created_at)

    everything = await api.query(NOTIFICATIONS, {"unreadOnly": False}, as_=(me, Role.SCHOOL))
    unread_only = await api.query(NOTIFICATIONS, {"unreadOnly": True}, as_=(me, Role.SCHOOL))

    assert [e["node"]["id"] for e in everything["data"]["notifications"]["edges"]] == [
        _gid(unread),
        _gid(read),
    ]
    assert unread_only["data"]["notifications"]["totalCount"] == 1
    [edge] = unread_only["data"]["notifications"]["edges"]
    assert (edge["node"]["id"], edge["node"]["readAt"]) == (_gid(unread), None)


async def test_marking_some_read_leaves_the_rest_unread(api):
    me, _ = await _two_people()
    first, second, third = await _notify(me, 3)

    result = await api.query(MARK_READ, {"ids": [_gid(first), _gid(third)]}, as_=(me, Role.SCHOOL))

    payload = result["data"]["notificationsMarkRead"]
    assert payload["userErrors"] == []
    assert [n["id"] for n in payload["notifications"]] == [_gid(third), _gid(first)]
    assert all(n["readAt"] is not None for n in payload["notifications"])
    assert payload["unreadCount"] == 1
    assert await Notification.filter(read_at__isnull=True).values_list("id", flat=True) == [
        second.id
    ]


async def test_marking_again_keeps_the_first_reading_time(api):
    me, _ = await _two_people()
    [notification] = await _notify(me)
    await api.query(MARK_READ, {"ids": [_gid(notification)]}, as_=(me, Role.SCHOOL))
    await notification.refresh_from_db()
    first_read = notification.read_at

    result = await api.query(MARK_READ, {"ids": [_gid(notification)]}, as_=(me, Role.SCHOOL))

    await notification.refresh_from_db()
    assert notification.read_at == first_read
    assert result["data"]["notificationsMarkRead"]["unreadCount"] == 0


async def test_someone_elses_notification_is_not_found_and_nothing_changes(api):
    me, other = await _two_people()
    [mine] = await _notify(me)
    [theirs] = await _notify(other)

    result = await api.query(
        MARK_READ, {"ids": [_gid(mine), _gid(theirs), "bm9wZQ"]}, as_=(me, Role.SCHOOL)
    )

    payload = result["data"]["notificationsMarkRead"]
    assert payload["notifications"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["ids", "1"], "NOT_FOUND"),
        (["ids", "2"], "NOT_FOUND"),
    ]
    assert await Notification.filter(read_at__isnull=False).count() == 0


async def test_all_marks_every_one_of_yours_and_no_one_elses(api):
    me, other = await _two_people()
    mine = await _notify(me, 3)
    await _notify(other, 2)

    result = await api.query(MARK_READ, {"all": True}, as_=(me, Role.SCHOOL))

    payload = result["data"]["notificationsMarkRead"]
    assert payload["userErrors"] == []
    assert payload["unreadCount"] == 0
    assert sorted(n["id"] for n in payload["notifications"]) == sorted(_gid(n) for n in mine)
    assert await Notification.filter(recipient_id=other.id, read_at__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("variables", "field"),
    [({"ids": None}, ["ids"]), ({"ids": [to_global_id("Notification", 1)], "all": True}, ["all"])],
)
async def test_either_ids_or_all_is_required(api, variables, field):
    me, _ = await _two_people()

    result = await api.query(MARK_READ, variables, as_=(me, Role.SCHOOL))

    [error] = result["data"]["notificationsMarkRead"]["userErrors"]
    assert (error["field"], error["code"]) == (field, "INVALID_INPUT")


async def test_the_public_cannot_mark_anything_read(api):
    me, _ = await _two_people()
    [notification] = await _notify(me)

    result = await api.query(MARK_READ, {"ids": [_gid(notification)]})

    [error] = result["data"]["notificationsMarkRead"]["userErrors"]
    assert error["code"] == "UNAUTHENTICATED"
    assert await Notification.filter(read_at__isnull=False).count() == 0


async def test_the_list_costs_the_same_statements_for_3_and_30(api):
    counted = []
    for count in (3, 30):
        me, _ = await _two_people()
        await _notify(me, count)
        token = await api.token_for(me, Role.SCHOOL)

        with count_statements() as statements:
            result = await api.query(NOTIFICATIONS, {"unreadOnly": True}, token=token)

        assert len(result["data"]["notifications"]["edges"]) == count
        counted.append(statements[0])
    assert counted[0] == counted[1]
