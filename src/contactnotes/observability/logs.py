"""One JSON object per line on stderr, with the standard library's logging.

A line is {"ts", "level", "logger", "msg", "request_id"?, ...fields}. Structured fields go in
`extra={"fields": {...}}`; the request id of the work in hand is added by itself. What goes into a line is
chosen where it is logged: the request line holds the method, the route template, the path (never the query,
which may hold a signed link's signature), the status and the duration; never a header, a body or a token.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

from contactnotes.observability.context import current_request_id

REQUEST_LOGGER = "contactnotes.request"
JOB_LOGGER = "contactnotes.job"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            line["request_id"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def handler(fmt: str) -> logging.Handler:
    stream = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        stream.setFormatter(JsonFormatter())
    else:
        stream.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return stream


def configure(level: str, fmt: str) -> None:
    """Route every logger (ours, uvicorn's, libraries') through one stderr handler in the chosen format."""
    # A line per request is on the hot path: skip the record fields no line prints (os.getpid() per record).
    logging.logProcesses = logging.logThreads = logging.logMultiprocessing = False
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler(fmt))
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True


def uvicorn_log_config(level: str) -> dict[str, Any]:
    """uvicorn's loggers, left to propagate to the root handler that configure() set up."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {
            "uvicorn": {"level": level.upper(), "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level.upper(), "handlers": [], "propagate": True},
            "uvicorn.access": {"level": level.upper(), "handlers": [], "propagate": True},
        },
    }
