"""TetherAI-style errors: {"success": false, "message": ..., "errors": [{"field", "message"}]}.

TetherRoute also applies the dialect's per-user and per-organization rate limits to every endpoint (but
the signed file links, TetherPublicRoute) and puts the X-RateLimit-* headers on every counted answer.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any, ClassVar

from fastapi import Depends, Request, Response
from fastapi.params import Depends as DependsParam
from fastapi.responses import JSONResponse

from contactnotes.http.errors import DialectRoute, Failure

from .limits import add_headers, limit_user_and_organization
from .wire import ErrorOut

RATE_LIMITED = {"model": ErrorOut, "description": "Over the caller's or the organization's rate limit; see Retry-After"}

_ERRORS: dict[int, str] = {
    400: "Bad input; `errors` names each field at fault",
    401: "Missing, malformed, unknown, expired or revoked token",
    403: "The caller can see the object but may not do this to it",
    404: "No such object in the caller's organization (absent, deleted, or someone else's private note)",
    408: "The body arrived too slowly",
    409: "The request clashes with the object's current state",
    413: "Request body over 1 MB",
    429: "Too many requests at once or in the window; see Retry-After",
    500: "Unexpected failure (no internals are shown)",
    503: "Database unavailable; retry after `Retry-After` seconds",
}
# Every endpoint with a token parses it, may meet an oversized body, and may fail unexpectedly.
_ALWAYS = (400, 401, 413, 500, 503)


def errors(
    *statuses: int, described: dict[int, str] | None = None, always: Sequence[int] = _ALWAYS
) -> dict[int | str, dict[str, Any]]:
    """`responses=` for an endpoint: the statuses every endpoint has, plus these, each described once here
    unless the endpoint says more precisely what it means for it."""
    texts = {**_ERRORS, **(described or {})}
    return {code: {"model": ErrorOut, "description": texts[code]} for code in sorted({*always, *statuses})}


# The core's field names where TetherAI spells them otherwise (http.errors.Failure.wire_problems).
WIRE_NAMES = {
    "body": "note",
    "time_spent": "timeSpent",
    "contact": "contactId",
    "contacts": "contactIds",
    "note_date": "noteDateTime",
    "reminder.target_date": "reminder.targetDate",
    "display_name": "displayName",
    "avatar_url": "avatarUrl",
}


def render_error(request: Request, failure: Failure) -> Response:
    body = {
        "success": False,
        "message": failure.message,
        "errors": [{"field": p.field, "message": p.message} for p in failure.wire_problems(WIRE_NAMES)],
    }
    return JSONResponse(body, status_code=failure.status, headers=failure.headers)


class TetherRoute(DialectRoute):
    renderer = staticmethod(render_error)
    rate_limited: ClassVar[bool] = True

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if type(self).rate_limited:
            # Runs before the endpoint's own dependencies; it needs the principal, which FastAPI then reuses.
            dependencies: Sequence[DependsParam] = kwargs.pop("dependencies", None) or []
            kwargs["dependencies"] = [Depends(limit_user_and_organization), *dependencies]
            kwargs["responses"] = {**(kwargs.get("responses") or {}), 429: RATE_LIMITED}
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not type(self).rate_limited:
            return handler

        async def with_rate_limit_headers(request: Request) -> Response:
            response = await handler(request)
            add_headers(request, response)
            return response

        return with_rate_limit_headers


class TetherPublicRoute(TetherRoute):
    """For the signed file links: the signature is the credential, there is no user to count against."""

    rate_limited = False
