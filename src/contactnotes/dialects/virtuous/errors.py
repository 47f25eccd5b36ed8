"""Virtuous-style errors: the documented target shape plus the top-level `message` older clients read.

{"message": "...", "error": {"code": "BAD_REQUEST", "message": "...", "details": [{"field", "code", "message"}]}}
"""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from contactnotes.http.errors import DialectRoute, Failure

CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "BAD_REQUEST",
    409: "CONFLICT",
    413: "BAD_REQUEST",
    422: "VALIDATION_FAILED",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def error_code(status: int) -> str:
    return CODES.get(status, "INTERNAL_ERROR" if status >= 500 else "BAD_REQUEST")


def render_error(request: Request, failure: Failure) -> Response:
    body = {
        "message": failure.message,
        "error": {
            "code": error_code(failure.status),
            "message": failure.message,
            "details": [{"field": p.field, "code": p.code, "message": p.message} for p in failure.problems],
        },
    }
    return JSONResponse(body, status_code=failure.status, headers=failure.headers)


class VirtuousRoute(DialectRoute):
    renderer = staticmethod(render_error)
