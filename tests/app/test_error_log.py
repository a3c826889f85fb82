"""GraphQL errors in the log: the caller's faults at INFO without a traceback, the server's at
ERROR with one (issue 11, item 13); no personal code in either, even where graphql-core's
source snippet would wrap a code over two lines (item 4a)."""

from __future__ import annotations

import io
import logging
import logging.config
from collections.abc import Iterator

import pytest
from graphql import GraphQLError, Source

from app.logs import REDACTED, logging_config
from models.enums import Role
from tests.factories import create_school, create_user

CODE = "36805280109"
# A line longer than 120 characters: graphql-core's snippet cuts it every 80, and the code sits
# on the cut (" 36" | "805280109").
_HEAD = "{ exams(after: "
WRAPPED = _HEAD + " " * (78 - len(_HEAD)) + f"{CODE}) {{ totalCount }} " + "__typename " * 10 + "}"


@pytest.fixture
def log_text() -> Iterator[io.StringIO]:
    config = logging_config(level="INFO")
    stream = io.StringIO()
    for handler in config["handlers"].values():
        handler["stream"] = stream
    logging.config.dictConfig(config)
    try:
        yield stream
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})


def _lines(stream: io.StringIO, level: str) -> list[str]:
    return [line for line in stream.getvalue().splitlines() if f" {level} " in line]


async def test_a_code_split_by_the_source_snippet_is_still_redacted(api, log_text):
    response = await api.post(WRAPPED)

    [error] = response.json()["errors"]
    assert error["message"] == f"String cannot represent a non string value: {CODE}"
    assert "\n  |" in str(GraphQLError(error["message"], source=Source(WRAPPED), positions=[78]))
    written = log_text.getvalue()
    assert REDACTED in written
    assert CODE[:5] not in written
    assert CODE[-6:] not in written


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ nosuchfield }", "-"),  # validation
        ("{ exams(first: 1000) { totalCount } }", "BAD_USER_INPUT"),  # limit
        ("{ exam(id: 1) { id } }", "BAD_USER_INPUT"),  # wrong ID form
        ('mutation { roleSelect(role: SCHOOL, organisation: "x") { token } }', "BAD_USER_INPUT"),
        (
            "{ exams(first: 100) { edges { node { groups { participants { group "
            "{ participants { id } } } } } } } }",
            "QUERY_TOO_COSTLY",
        ),
    ],
)
async def test_caller_faults_are_info_lines_without_a_traceback(api, log_text, query, code):
    school = await create_user(Role.SCHOOL, await create_school())

    body = await api.query(query, as_=(school, Role.SCHOOL))

    assert body["errors"]
    info = _lines(log_text, "INFO")
    assert any("GraphQL request refused" in line and f"({code} " in line for line in info), info
    assert not _lines(log_text, "ERROR")
    assert "Traceback" not in log_text.getvalue()


async def test_a_server_fault_is_an_error_line_with_its_traceback_redacted(
    api, log_text, monkeypatch
):
    import resolvers.node

    async def broken(loaders, global_id):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"the store lost person {CODE}")

    monkeypatch.setattr(resolvers.node, "_load", broken)

    body = await api.query('{ node(id: "x") { id } }')

    assert body["errors"][0]["path"] == ["node"]
    errors = _lines(log_text, "ERROR")
    assert len(errors) == 1
    assert "GraphQL error at node" in errors[0]
    written = log_text.getvalue()
    assert "Traceback (most recent call last)" in written
    assert "RuntimeError: the store lost person [isikukood]" in written
    assert CODE not in written
