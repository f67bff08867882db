"""Structured logs: one JSON object per line, carrying the request id of the request that
logged it (a context variable, so log calls deep in a check need no parameter)."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import threading
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


def log_loop_error(loop: Any, context: dict[str, Any]) -> None:
    """The event loop's exception handler: what asyncio would report in several plain-text
    lines (a task or future whose exception nobody retrieved, a failing callback) becomes one
    JSON line of the `voicecheck.server` logger, traceback in `exc`.

    >>> log_loop_error(None, {"message": "lost"})  # doctest: +SKIP
    """
    exc = context.get("exception")
    fields = {key: repr(value)[:500] for key, value in context.items()
              if key not in ("message", "exception")}
    logging.getLogger("voicecheck.server").error(
        context.get("message") or "event loop error",
        exc_info=(type(exc), exc, exc.__traceback__) if exc is not None else None,
        extra={"fields": fields})


def log_everything_as_json() -> None:
    """Route what Python itself would print on standard error through logging (so through
    the JSON handler of `log_config`): warnings, exceptions escaping a thread, and exceptions
    Python can only ignore (in `__del__`, say). For the server process only."""
    logging.captureWarnings(True)
    server = logging.getLogger("voicecheck.server")

    def thread_error(args: Any) -> None:
        server.error("uncaught exception in thread %s", getattr(args.thread, "name", "?"),
                     exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    def unraisable(args: Any) -> None:
        server.error("%s: %r", args.err_msg or "Exception ignored in", args.object,
                     exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    threading.excepthook = thread_error
    sys.unraisablehook = unraisable


def log_config(level: str = "info") -> dict[str, Any]:
    """A logging dictConfig for uvicorn and our own loggers: JSON lines on stderr.

    uvicorn's access log is off: the server logs each request itself, with its id. The root
    logger writes JSON too, so no library's warning is a plain-text line."""
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
        # everything else (asyncio, py.warnings, libraries) as JSON too: unconfigured,
        # Python's last-resort handler would print plain text
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }
