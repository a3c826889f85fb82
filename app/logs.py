"""Logging set-up: every handler redacts Estonian personal codes before anything is written.

Personal codes can reach a log line through a request's query string (GraphQL over GET
carries its variables there) or an error message; the filter replaces any eleven-digit
sequence that starts with a century digit (1-6), valid or not, with `[isikukood]`, after
decoding a URL-encoded message. The access log also hides the values of query parameters
that carry credentials (the sign-in callback's `code` and `state`, any `token`, a download
link's `access`).

Lines are human-readable by default; `EH_LOG_FORMAT=json` writes one JSON object per line
(python-json-logger) with the request ID, GraphQL operation name and acting role of the
request being served, and every string in it redacted the same way.
"""

from __future__ import annotations

import copy
import logging
import logging.config
import re
from typing import Any
from urllib.parse import unquote

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from app.request_context import current_request

PERSONAL_CODE = re.compile(r"(?<!\d)[1-6]\d{10}(?!\d)")
REDACTED = "[isikukood]"
QUERY_SECRET = re.compile(
    r"([?&](?:code|state|token|access|access_token|id_token|refresh_token|signature|password)=)[^&#\s]*",
    re.IGNORECASE,
)
SECRET_REDACTED = "[redacted]"


def redact(text: str) -> str:
    redacted = PERSONAL_CODE.sub(REDACTED, text)
    # A query string arrives URL-encoded ("%2238001085718%22"): decode it only when that
    # reveals a code, so that other text (and %-format strings) stays as it was.
    if "%" in redacted:
        decoded = unquote(redacted)
        if PERSONAL_CODE.search(decoded):
            return PERSONAL_CODE.sub(REDACTED, decoded)
    return redacted


def redact_query_secrets(path: str) -> str:
    """The path with the values of credential-carrying query parameters hidden."""
    return QUERY_SECRET.sub(rf"\1{SECRET_REDACTED}", path) if "=" in path else path


def _is_access_line(record: logging.LogRecord) -> bool:
    # uvicorn: '%s - "%s %s HTTP/%s" %d' % (client, method, path, http_version, status)
    return (
        record.name == "uvicorn.access"
        and isinstance(record.args, tuple)
        and len(record.args) == 5
        and isinstance(record.args[2], str)
    )


_FORMATTER = logging.Formatter()


class RedactPersonalCodes(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if _is_access_line(record):
            assert isinstance(record.args, tuple)
            args = list(record.args)
            args[2] = redact_query_secrets(str(args[2]))
            record.args = tuple(args)
        # Redact the arguments in place: some formatters (uvicorn's access log) read them.
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        message = record.getMessage()
        if PERSONAL_CODE.search(message):  # hidden in a number or an object: give up the args
            record.msg, record.args = redact(message), None
        # A traceback is formatted after the filters ran: format it now, redacted, and the
        # formatter uses this text instead of formatting it again.
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RequestFields(logging.Filter):
    """Adds the current request's ID, GraphQL operation and role to the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = current_request()
        if info is not None:
            record.request_id = info.request_id
            if info.operation is not None:
                record.operation = info.operation
            if info.role is not None:
                record.role = info.role
        return True


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(item) for item in value]
    return value


class JsonLogFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, pid, the request's fields,
    any `extra`, and for uvicorn's access line the method, path and status apart."""

    def __init__(self) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s %(process)d",
            rename_fields={"levelname": "level", "name": "logger", "process": "pid"},
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],
            timestamp="time",
            json_ensure_ascii=False,
        )

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        if _is_access_line(record):
            assert isinstance(record.args, tuple)
            client, method, path, _, status = record.args
            log_data.update(client=client, method=method, path=path, status=status)

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        # Whatever reached the record (an `extra`, a traceback) is redacted too.
        return {key: _redact_value(value) for key, value in log_data.items()}


def logging_config(level: str = "INFO", log_format: str = "text") -> dict[str, Any]:
    """uvicorn's own configuration, with the redacting filter on every handler, and ours."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {
        "redact": {"()": RedactPersonalCodes},
        "request": {"()": RequestFields},
    }
    config["formatters"]["plain"] = {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    if log_format == "json":
        for name in list(config["formatters"]):
            config["formatters"][name] = {"()": JsonLogFormatter}
    config["handlers"]["plain"] = {
        "class": "logging.StreamHandler",
        "formatter": "plain",
        "stream": "ext://sys.stderr",
    }
    for handler in config["handlers"].values():
        handler["filters"] = ["request", "redact"]
        handler["stream"] = "ext://sys.stderr"  # uvicorn's access log too
    config["loggers"]["eksamihaldus"] = {"handlers": ["plain"], "level": level, "propagate": False}
    config["root"] = {"handlers": ["plain"], "level": "WARNING"}
    return config


def configure(level: str = "INFO", log_format: str = "text") -> dict[str, Any]:
    config = logging_config(level, log_format)
    logging.config.dictConfig(config)
    return config
