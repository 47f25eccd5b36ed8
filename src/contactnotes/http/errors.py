"""Turning any failure into a dialect's error answer.

Each dialect supplies an ErrorRenderer; DialectRoute catches what its endpoints raise and hands it over,
so a client always gets its own vendor's error shape, naming the field at fault.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from contactnotes.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    Forbidden,
    Invalid,
    NotFound,
    TooLarge,
    Unauthenticated,
)

log = logging.getLogger("contactnotes")


class PayloadTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body is larger than {limit} bytes")


class ServiceUnavailable(Exception):
    """The database cannot be reached; the client should retry later."""

    retry_after = 5


@dataclass(frozen=True)
class Failure:
    """A failure reduced to what every dialect renders: a status, a sentence, and the fields at fault."""

    status: int
    message: str
    problems: Sequence[FieldProblem] = ()
    headers: dict[str, str] | None = None


class ErrorRenderer(Protocol):
    def __call__(self, request: Request, failure: Failure) -> Response: ...


def field_name(loc: Sequence[Any]) -> str:
    """('body', 'mentions', 1) -> 'mentions[1]'; ('query', 'limit') -> 'limit'."""
    parts = list(loc[1:]) if loc and loc[0] in {"body", "query", "path", "header", "form"} else list(loc)
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or (str(loc[0]) if loc else "body")


def _validation_failure(exc: RequestValidationError) -> Failure:
    problems: list[FieldProblem] = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            return Failure(
                400, "Request body is not valid JSON", [FieldProblem("body", "Invalid JSON", "INVALID_JSON")]
            )
        name = field_name(error.get("loc", ()))
        message = error.get("msg", "Invalid value")
        if error.get("type") == "missing":
            message = "Field required" if name != "body" else "Request body is required"
        problems.append(FieldProblem(name, message, str(error.get("type", "invalid")).upper()))
    first = problems[0] if problems else FieldProblem("body", "Invalid request")
    return Failure(400, f"{first.field}: {first.message}", problems)


_DOMAIN_STATUS: dict[type[DomainError], int] = {
    Invalid: 400,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
}


def to_failure(exc: Exception) -> Failure:
    if isinstance(exc, RequestValidationError):
        return _validation_failure(exc)
    if isinstance(exc, DomainError):
        status = next((code for kind, code in _DOMAIN_STATUS.items() if isinstance(exc, kind)), 400)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
        return Failure(status, exc.message, exc.problems, headers)
    if isinstance(exc, StarletteHTTPException):
        return Failure(exc.status_code, str(exc.detail), (), dict(exc.headers or {}))
    if (
        isinstance(exc, ServiceUnavailable)
        or (isinstance(exc, DBAPIError) and (isinstance(exc, OperationalError) or exc.connection_invalidated))
        or isinstance(exc, ConnectionError | OSError)
    ):
        log.warning("database unavailable: %s", exc.__class__.__name__)
        return Failure(503, "Service temporarily unavailable; retry shortly", (), {"Retry-After": "5"})
    log.exception("unhandled error", exc_info=exc)
    return Failure(500, "Internal server error")


class DialectRoute(APIRoute):
    """An APIRoute whose failures are answered in the dialect's own error shape."""

    renderer: ClassVar[ErrorRenderer]

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()
        renderer = type(self).renderer

        async def render_failures(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # every failure gets the dialect's shape, none a stack trace
                return renderer(request, to_failure(exc))

        return render_failures
