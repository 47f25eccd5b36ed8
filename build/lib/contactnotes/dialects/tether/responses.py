"""The error statuses each endpoint can answer, for the OpenAPI document."""

from __future__ import annotations

from typing import Any

from .wire import ErrorOut

_ERRORS: dict[int, str] = {
    400: "Bad input; `errors` names each field at fault",
    401: "Missing, malformed, unknown, expired or revoked token",
    403: "The caller can see the object but may not do this to it",
    404: "No such object in the caller's organization (absent, deleted, or someone else's private note)",
    413: "Request body over 1 MB",
    500: "Unexpected failure (no internals are shown)",
    503: "Database unavailable; retry after `Retry-After` seconds",
}
# Every endpoint parses a token, may meet an oversized body, and may fail unexpectedly.
_ALWAYS = (400, 401, 413, 500, 503)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for an endpoint: the statuses every endpoint has, plus these."""
    return {code: {"model": ErrorOut, "description": _ERRORS[code]} for code in sorted({*_ALWAYS, *statuses})}
