"""Every response carries a request ID: the caller's when it is sane, else a new one; and
the request's log lines carry it with the operation name and role."""

from __future__ import annotations

import logging

import pytest

from app import metrics
from app.logs import RequestFields
from app.metrics import register_operation_names
from models.enums import Role
from tests.factories import create_school, create_user


async def test_a_sane_request_id_is_echoed(api):
    response = await api.http.get("/health", headers={"X-Request-ID": "lb-4f1c:0007"})

    assert response.headers["x-request-id"] == "lb-4f1c:0007"


@pytest.mark.parametrize(
    "given",
    ["", "x" * 129, "two words", "<script>", "38001085718", "päring-1"],
)
async def test_an_insane_request_id_is_replaced(api, given):
    response = await api.http.get("/health", headers={"X-Request-ID": given.encode()})

    echoed = response.headers["x-request-id"]
    assert echoed != given
    assert len(echoed) == 32
    assert int(echoed, 16) >= 0


async def test_without_one_each_request_gets_its_own(api):
    first = await api.http.get("/health")
    second = await api.http.get("/health")

    assert first.headers["x-request-id"] != second.headers["x-request-id"]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestFields())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_log_lines_of_a_request_name_its_id_operation_and_role(api, monkeypatch):
    monkeypatch.setattr(metrics, "_known", {"Vaheta"})  # a registered operation name
    school = await create_school()
    person = await create_user(Role.SCHOOL, school)
    token = await api.token_for(person, Role.SCHOOL)
    # Log lines name registered operations only (the server registers them at start-up).
    register_operation_names(["Vaheta"])
    records = _Records()
    logger = logging.getLogger("eksamihaldus.graphql")  # where GraphQL errors are logged
    logger.addHandler(records)
    monkeypatch.setattr(logger, "level", logging.INFO)  # a caller's fault is an INFO line
    try:
        response = await api.http.post(
            "/graphql",
            json={
                "query": 'mutation Vaheta { roleSelect(role: SCHOOL, organisation: "x") { token } }'
            },
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "test-42"},
        )
    finally:
        logger.removeHandler(records)

    assert response.json()["errors"], response.text
    [record] = records.records
    assert (record.request_id, record.operation, record.role) == (  # type: ignore[attr-defined]
        "test-42",
        "Vaheta",
        "SCHOOL",
    )
    assert response.headers["x-request-id"] == "test-42"
