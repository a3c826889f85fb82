"""Personal codes never reach a log line, whoever logs them and however."""

from __future__ import annotations

import io
import json
import logging
import logging.config

from app.logs import REDACTED, logging_config, redact
from app.request_context import RequestInfo, reset_current_request, set_current_request

CODES = ["38001085718", "60001019906", "5000011511", "49403136515"]


def test_url_encoded_codes_are_redacted():
    assert redact("/graphql?variables=%7B%22c%22%3A%2238001085718%22%7D") == (
        f'/graphql?variables={{"c":"{REDACTED}"}}'
    )


def test_text_without_codes_is_left_exactly_as_it_was():
    for text in ["%s - %d items", "a + b = 100%", "exam%20list 1234567890"]:
        assert redact(text) == text


def test_codes_are_redacted_valid_or_not_but_other_numbers_stay():
    text = 'GET /graphql?variables={"code":"38001085718"} exam 80253652 id 123456789012'

    assert redact(text) == (
        f'GET /graphql?variables={{"code":"{REDACTED}"}} exam 80253652 id 123456789012'
    )


def test_every_configured_handler_redacts_including_uvicorns_access_log():
    config = logging_config()
    stream = io.StringIO()
    for handler in config["handlers"].values():
        handler["stream"] = stream
    logging.config.dictConfig(config)
    try:
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5000",
            "GET",
            "/graphql?query=x&variables=%7B%22c%22%3A%2238001085718%22%7D",
            "1.1",
            200,
        )
        logging.getLogger("uvicorn.error").error("bad person %s", "60001019906")
        logging.getLogger("eksamihaldus").warning("person 49403136515 not found")
        logging.getLogger("some.library").error("code=%s", "37605030299")
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})

    written = stream.getvalue()
    assert written.count(REDACTED) == 4
    assert not any(code in written for code in [*CODES, "37605030299"])


def _capture(log_format: str) -> tuple[io.StringIO, dict]:  # type: ignore[type-arg]
    config = logging_config(log_format=log_format)
    stream = io.StringIO()
    for handler in config["handlers"].values():
        handler["stream"] = stream
    logging.config.dictConfig(config)
    return stream, config


def _reset_logging() -> None:
    logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})


def test_json_lines_carry_the_request_and_no_personal_code_anywhere():
    stream, _ = _capture("json")
    token = set_current_request(
        RequestInfo("req-1", operation="ExamSubmit", role="SCHOOL", graphql_errors=0)
    )
    try:
        logging.getLogger("eksamihaldus").warning(
            "person %s not found", "49403136515", extra={"person": "38001085718"}
        )
        try:
            raise ValueError("bad code 60001019906")
        except ValueError:
            logging.getLogger("eksamihaldus").exception("Õppija kood puudub")
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5000",
            "GET",
            "/auth/callback?code=SalaKood&state=OlekXYZ&x=%2238001085718%22",
            "1.1",
            302,
        )
    finally:
        reset_current_request(token)
        _reset_logging()

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    written = stream.getvalue()
    assert len(lines) == 3
    assert not any(code in written for code in CODES)
    assert "SalaKood" not in written
    assert "OlekXYZ" not in written
    warning, error, access = lines
    assert warning["message"] == f"person {REDACTED} not found"
    assert warning["person"] == REDACTED
    assert (warning["request_id"], warning["operation"], warning["role"]) == (
        "req-1",
        "ExamSubmit",
        "SCHOOL",
    )
    assert (warning["level"], warning["logger"]) == ("WARNING", "eksamihaldus")
    assert error["message"] == "Õppija kood puudub"  # Estonian intact
    assert f"bad code {REDACTED}" in error["exc_info"]
    assert access["status"] == 302
    assert access["method"] == "GET"
    assert access["path"].startswith("/auth/callback?code=[redacted]&state=[redacted]")


def test_outside_a_request_a_json_line_has_no_request_fields():
    stream, _ = _capture("json")
    try:
        logging.getLogger("eksamihaldus.mail").info("mail %s sent", 7)
    finally:
        _reset_logging()

    [line] = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert line["message"] == "mail 7 sent"
    assert "request_id" not in line
    assert {"time", "level", "logger", "pid"} <= set(line)


def test_the_text_format_hides_credentials_in_the_access_log_too():
    stream, _ = _capture("text")
    try:
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:1",
            "GET",
            "/auth/callback?code=SalaKood",
            "1.1",
            302,
        )
    finally:
        _reset_logging()

    assert "SalaKood" not in stream.getvalue()
    assert "code=[redacted]" in stream.getvalue()
