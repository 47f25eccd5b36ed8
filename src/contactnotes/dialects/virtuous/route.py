"""Virtuous-style errors: the documented target shape plus the top-level `message` older clients read.

{"message": "...", "error": {"code": "BAD_REQUEST", "message": "...", "details": [{"field", "code", "message"}]}}

but a 401 is the real server's recorded {"message": "Authorization has been denied for this request."}.

VirtuousRoute also applies the rate limit to every endpoint of the dialect and puts the X-RateLimit-*
headers on every answer, success or failure.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, ClassVar

from fastapi import Depends, Request, Response
from fastapi.datastructures import DefaultPlaceholder
from fastapi.params import Depends as DependsParam
from fastapi.responses import JSONResponse

from contactnotes.http.errors import DialectRoute, Failure

from .limits import add_headers, limit_client, limit_organization
from .wire import DeniedOut, VirtuousErrorOut

CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    422: "VALIDATION_FAILED",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def error_code(status: int) -> str:
    return CODES.get(status, "INTERNAL_ERROR" if status >= 500 else "BAD_REQUEST")


_ERRORS: dict[int, str] = {
    400: "Bad input; `error.details` names each field at fault",
    401: "Missing, unknown, expired or revoked token",
    403: "Visible, but not the caller's to change",
    404: "No such note or contact in the caller's organization",
    409: "The request clashes with the object's current state",
    413: "Request body over the size limit (1 MB by default)",
    429: "Organization over its rate limit; see `Retry-After`",
    500: "Unexpected failure (no internals are shown)",
    503: "Database unavailable; retry after `Retry-After` seconds",
}
# Every endpoint parses a token, counts against the rate limit, and may fail unexpectedly.
_ALWAYS = (401, 429, 500, 503)


def errors(
    *statuses: int, described: dict[int, str] | None = None, always: Sequence[int] = _ALWAYS
) -> dict[int | str, dict[str, Any]]:
    """`responses=` for an endpoint: the statuses every endpoint has, plus these, each described once here
    unless the endpoint says more precisely what it means for it."""
    texts = {**_ERRORS, **(described or {})}
    return {
        code: {"model": DeniedOut if code == 401 else VirtuousErrorOut, "description": texts[code]}
        for code in sorted({*always, *statuses})
    }


# The real server's 401, word for word (recorded), in ASP.NET Web API's legacy shape: clients match on it.
DENIED = "Authorization has been denied for this request."


class VirtuousJSONResponse(JSONResponse):
    """JSON with the charset spelled out, as the real server's answers carry it (recorded)."""

    media_type = "application/json; charset=utf-8"


# The core's field names where Virtuous spells them otherwise (http.errors.Failure.wire_problems). An emailed
# note's message is `body` on the wire, because there the note travels by its id.
WIRE_NAMES = {
    "body": "note",
    "message": "body",
    "time_spent": "timeSpent",
    "contact": "contactId",
    "note_date": "noteDate",
    "reminder.target_date": "reminder.targetDate",
    "time_zone": "timeZone",
}


def render_error(request: Request, failure: Failure) -> Response:
    if failure.status == 401:
        # Whatever the reason (missing, unknown, expired, revoked), the answer is the vendor's one sentence.
        headers = {**(failure.headers or {}), "WWW-Authenticate": "Bearer"}
        return VirtuousJSONResponse({"message": DENIED}, status_code=401, headers=headers)
    body = {
        "message": failure.message,
        "error": {
            "code": error_code(failure.status),
            "message": failure.message,
            "details": [
                {"field": p.field, "code": p.code, "message": p.message} for p in failure.wire_problems(WIRE_NAMES)
            ],
        },
    }
    return VirtuousJSONResponse(body, status_code=failure.status, headers=failure.headers)


class VirtuousRoute(DialectRoute):
    renderer = staticmethod(render_error)
    # Runs before the endpoint's own dependencies; it needs the principal, which FastAPI then reuses.
    rate_limit: ClassVar[Callable[..., Awaitable[None]]] = staticmethod(limit_organization)
    # Every path served by this dialect, for the case-insensitive matching of paths.CaseInsensitivePaths.
    paths: ClassVar[set[str]] = set()

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        VirtuousRoute.paths.add(path)
        if isinstance(kwargs.get("response_class", DefaultPlaceholder(None)), DefaultPlaceholder):
            kwargs["response_class"] = VirtuousJSONResponse
        dependencies: Sequence[DependsParam] = kwargs.pop("dependencies", None) or []
        kwargs["dependencies"] = [Depends(type(self).rate_limit), *dependencies]
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_rate_limit_headers(request: Request) -> Response:
            response = await handler(request)
            await add_headers(request, response)
            return response

        return with_rate_limit_headers


class VirtuousPublicRoute(VirtuousRoute):
    """For endpoints without a bearer token (POST /Token): limited by the client's address."""

    rate_limit = staticmethod(limit_client)
