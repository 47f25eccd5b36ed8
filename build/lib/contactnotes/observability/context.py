"""The request id of the work in hand: set per request by the HTTP layer, per job by the worker.

Outbox rows written while it is set carry it (jobs/queue.py), so a job's log lines name the request that
caused it.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
MAX_LENGTH = 64
# What a proxy or client may hand us: short and plain, so it can go into a log line or a header as it is.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,64}$")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_or_make(offered: str | None) -> str:
    """The client's X-Request-ID when it is plain enough to log and echo; otherwise a fresh one."""
    if offered and _ACCEPTABLE.match(offered):
        return offered
    return new_request_id()


def current_request_id() -> str | None:
    return request_id.get()
