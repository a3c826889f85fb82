"""Logging set-up: every handler redacts Estonian personal codes before anything is written.

Personal codes can reach a log line through a request's query string (GraphQL over GET
carries its variables there) or an error message; the filter replaces any eleven-digit
sequence that starts with a century digit (1-6), valid or not, with `[isikukood]`, after
decoding a URL-encoded message.
"""

from __future__ import annotations

import copy
import logging
import logging.config
import re
from typing import Any
from urllib.parse import unquote

PERSONAL_CODE = re.compile(r"(?<!\d)[1-6]\d{10}(?!\d)")
REDACTED = "[isikukood]"


def redact(text: str) -> str:
    redacted = PERSONAL_CODE.sub(REDACTED, text)
    # A query string arrives URL-encoded ("%2238001085718%22"): decode it only when that
    # reveals a code, so that other text (and %-format strings) stays as it was.
    if "%" in redacted:
        decoded = unquote(redacted)
        if PERSONAL_CODE.search(decoded):
            return PERSONAL_CODE.sub(REDACTED, decoded)
    return redacted


class RedactPersonalCodes(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
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
        return True


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """uvicorn's own configuration, with the redacting filter on every handler, and ours."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact": {"()": RedactPersonalCodes}}
    config["formatters"]["plain"] = {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    config["handlers"]["plain"] = {
        "class": "logging.StreamHandler",
        "formatter": "plain",
        "stream": "ext://sys.stderr",
    }
    for handler in config["handlers"].values():
        handler["filters"] = ["redact"]
    config["loggers"]["eksamihaldus"] = {"handlers": ["plain"], "level": level, "propagate": False}
    config["root"] = {"handlers": ["plain"], "level": "WARNING"}
    return config


def configure(level: str = "INFO") -> dict[str, Any]:
    config = logging_config(level)
    logging.config.dictConfig(config)
    return config
