"""Structured logs: one JSON object per line, carrying the request id of the request that
logged it (a context variable, so log calls deep in a check need no parameter)."""

from __future__ import annotations

import contextvars
import json
import logging
import time
from typing import Any

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id",
                                                                         default=None)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request id when it is made (formatting may happen
    later, elsewhere)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """`{"ts": ..., "level": ..., "logger": ..., "msg": ..., "request_id": ..., ...fields}`.

    >>> rec = logging.LogRecord("x", logging.INFO, "", 0, "hello", None, None)
    >>> json.loads(JsonFormatter().format(rec))["msg"]
    'hello'
    """

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        out.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def log_config(level: str = "info") -> dict[str, Any]:
    """A logging dictConfig for uvicorn and our own loggers: JSON lines on stderr.

    uvicorn's access log is off: the server logs each request itself, with its id."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "voicecheck.server.logs.JsonFormatter"}},
        "filters": {"request_id": {"()": "voicecheck.server.logs.RequestIdFilter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "filters": ["request_id"], "stream": "ext://sys.stderr"}},
        "loggers": {
            "voicecheck": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
