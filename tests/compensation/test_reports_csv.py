"""CSV downloads: the same token, scopes and figures as GraphQL, readable by Estonian Excel."""

from __future__ import annotations

import csv
import io

import pytest

from tests.compensation.world import make_world


@pytest.fixture
async def world(api):  # type: ignore[no-untyped-def]
    return await make_world()


async def _get(api, world, viewer: str | None, path: str):  # type: ignore[no-untyped-def]
    headers = {}
    if viewer is not None:
        headers["Authorization"] = f"Bearer {await api.token_for(*world.viewers[viewer])}"
    return await api.http.get(path, headers=headers)


def _table(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8")[1:]
    return list(csv.reader(io.StringIO(text), delimiter=";"))


COMPENSATION = "/reports/compensation.csv?dateFrom=2024-02-01&dateTo=2024-03-31"


async def test_compensation_lines_with_amounts_in_cents_and_euros(api, world):
    rows = _table(await _get(api, world, "admin", COMPENSATION))

    header, lines = rows[0], rows[1:]
    amounts = [int(line[header.index("Summa sentides / Amount (cents)")] or 0) for line in lines]
    euros = [line[header.index("Summa eurodes / Amount (EUR)")] for line in lines]
    assert len(lines) == 6
    assert sum(amounts) == 56_000
    assert sorted(euros) == sorted(["200,00", "120,00", "0,00", "", "", "240,00"])
    assert "Eesti Keevitusühing" in {line[1] for line in lines}  # ü intact
    missing = {line[header.index("Puuduv määr / Missing rate")] for line in lines}
    assert missing == {"", "NO_CURRICULUM_GROUP", "NO_RATE_IN_FORCE"}


async def test_compensation_by_participant_traces_every_cent(api, world):
    rows = _table(await _get(api, world, "admin", COMPENSATION + "&level=participants"))

    header, people = rows[0], rows[1:]
    category = header.index("Kategooria / Category")
    cents = header.index("Summa sentides / Amount (cents)")
    assert sum(int(p[cents] or 0) for p in people) == 56_000
    assert sum(p[category] == "COMPENSATED" for p in people) == 7  # 2 + 1 + 1 + 1 + 2
    assert all(p[header.index("Määr / Rate ID")] for p in people if p[cents] not in ("", "0"))


async def test_compensation_per_body(api, world):
    rows = _table(await _get(api, world, "admin", COMPENSATION + "&level=bodies"))

    assert sorted((r[1], r[5], r[6]) for r in rows[1:]) == [
        ("Eesti Keevitusühing", "32000", "320,00"),
        ("Eesti Masinatööstuse Liit", "24000", "240,00"),
    ]


@pytest.mark.parametrize(("viewer", "lines"), [("body_x", 5), ("school_b", 1), ("school_a", 5)])
async def test_the_csv_keeps_to_the_viewers_scope(api, world, viewer, lines):
    rows = _table(await _get(api, world, viewer, COMPENSATION))

    assert len(rows) - 1 == lines


async def test_statistics_csv_groups_like_graphql(api, world):
    rows = _table(await _get(api, world, "admin", "/reports/statistics.csv?groupBy=SCHOOL,STATUS"))

    header = rows[0]
    assert header[:3] == ["Kooli EHIS kood / School code", "Kool / School", "Olek / Status"]
    exams = header.index("Eksamid / Exams")
    by_school = {(r[1], r[2]): int(r[exams]) for r in rows[1:]}
    assert by_school == {
        ("Tallinna Tööstushariduskeskus", "ASSESSED"): 1,
        ("Tallinna Tööstushariduskeskus", "COMPLETED"): 5,
        ("Võrumaa Kutsehariduskeskus", "COMPLETED"): 1,
    }
    rate = header.index("Sooritus % / Pass rate %")
    assert all("," in r[rate] or r[rate] == "" for r in rows[1:])  # decimal comma


@pytest.mark.parametrize(("viewer", "status"), [(None, 401), ("assessor_x", 403), ("chair_x", 403)])
async def test_no_token_or_a_role_without_reports_gets_no_file(api, world, viewer, status):
    for path in (COMPENSATION, "/reports/statistics.csv"):
        response = await _get(api, world, viewer, path)

        assert response.status_code == status
        assert "text/csv" not in response.headers["content-type"]


async def test_a_forged_token_is_refused(api, world):
    response = await api.http.get(COMPENSATION, headers={"Authorization": "Bearer forged"})

    assert response.status_code == 401


@pytest.mark.parametrize(
    "query",
    [
        "/reports/compensation.csv",
        "/reports/compensation.csv?dateFrom=2024-13-01&dateTo=2024-12-31",
        "/reports/compensation.csv?dateFrom=2024-03-01&dateTo=2024-02-01",
        COMPENSATION + "&level=everything",
        COMPENSATION + "&awardingBody=bm90LWFuLWlk",
        "/reports/statistics.csv?groupBy=COLOUR",
    ],
)
async def test_bad_parameters_are_a_400_with_a_reason(api, world, query):
    response = await _get(api, world, "admin", query)

    assert response.status_code == 400
    assert response.json()["error"] == "BAD_REQUEST"
