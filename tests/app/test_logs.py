"""Personal codes never reach a log line, whoever logs them and however."""

from __future__ import annotations

import io
import logging
import logging.config

from app.logs import REDACTED, logging_config, redact

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
