"""Turning any failure into a dialect's error answer.

Each dialect supplies an ErrorRenderer; DialectRoute catches what its endpoints raise and hands it over,
so a client always gets its own vendor's error shape, naming the field at fault.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Protocol

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from contactnotes.errors import (
    Busy,
    Conflict,
    DomainError,
    FieldProblem,
    Forbidden,
    Invalid,
    NotFound,
    TooLarge,
    Unauthenticated,
    Unprocessable,
)
from contactnotes.http.inputs import NUL, NUL_MESSAGE
from contactnotes.http.transaction import READING, RequestTransaction
from contactnotes.idempotency.service import Replay

log = logging.getLogger("contactnotes")


class PayloadTooLarge(HTTPException):
    """Raised while the body is read, inside the route; answered 413 naming `body`. An HTTPException, because
    FastAPI turns any other failure while reading the body into its own 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body is larger than {limit} bytes")


class BodyTooSlow(HTTPException):
    """The client sent its body too slowly (http.middleware.BodyDeadline); answered 408 naming `body`, and the
    connection is closed rather than kept for the rest of a body nobody will read."""

    def __init__(self, grace: float, min_rate: int) -> None:
        super().__init__(
            408, f"The request body arrived too slowly (at least {min_rate} bytes a second after {grace:g} seconds)"
        )


class WireNamed:
    """A refusal from the HTTP layer or a dialect, before any service saw the request (a malformed, missing or
    oversized body, a NUL in a query parameter): its fields are the wire's already, so no dialect renames them."""


class RequestRefused(WireNamed, Invalid):
    """400 naming wire fields."""


class RequestTooLarge(WireNamed, TooLarge):
    """413 naming wire fields."""


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
    # The problems name core fields (`body`, `time_spent`): the dialect renames them into its own (wire_names).
    core_fields: bool = False

    def wire_problems(self, names: Mapping[str, str]) -> list[FieldProblem]:
        """The problems under a dialect's names for the core's fields; a name it does not list is its own."""
        if not self.core_fields:
            return list(self.problems)
        return [replace(p, field=wire_name(p.field, names)) for p in self.problems]


def wire_name(core_field: str, names: Mapping[str, str]) -> str:
    """`time_spent` -> `timeSpent`; `reminder.target_date` is looked up whole, `contact[0]` by its head."""
    if core_field in names:
        return names[core_field]
    head = re.split(r"[.\[]", core_field, maxsplit=1)[0]
    return names[head] + core_field[len(head) :] if head in names else core_field


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


# SQLSTATEs of a database that is going away or not there yet: connection exceptions (class 08),
# admin/crash shutdown and "cannot connect now" (57P01-03), too many connections (53300).
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def database_unavailable(exc: BaseException) -> bool:
    """A failure that says "try again later" rather than "this request is wrong": answered 503."""
    if isinstance(exc, ServiceUnavailable | ConnectionError | OSError | SATimeoutError | InterfaceError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


_DOMAIN_STATUS: dict[type[DomainError], int] = {
    Invalid: 400,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Unprocessable: 422,
    TooLarge: 413,
    Busy: 429,
}


def to_failure(exc: Exception) -> Failure:
    if isinstance(exc, RequestValidationError):
        return _validation_failure(exc)
    if isinstance(exc, DomainError):
        status = next((code for kind, code in _DOMAIN_STATUS.items() if isinstance(exc, kind)), 400)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
        if isinstance(exc, Busy):
            headers = {"Retry-After": str(exc.retry_after)}
        core = not isinstance(exc, WireNamed)
        return Failure(status, exc.message, exc.problems, headers, core_fields=core)
    if isinstance(exc, IntegrityError):
        # Two requests raced for the same unique value; the loser learns it as a conflict.
        return Failure(409, "The request conflicts with a concurrent change; retry it")
    if isinstance(exc, PayloadTooLarge):
        return Failure(413, exc.detail, [FieldProblem("body", exc.detail, "TOO_LARGE")])
    if isinstance(exc, BodyTooSlow):
        problem = FieldProblem("body", exc.detail, "TOO_SLOW")
        return Failure(408, exc.detail, [problem], {"Connection": "close"})
    if isinstance(exc, StarletteHTTPException):
        return Failure(exc.status_code, str(exc.detail), (), dict(exc.headers or {}))
    if database_unavailable(exc):
        log.warning("database unavailable: %s", exc.__class__.__name__)
        return Failure(503, "Service temporarily unavailable; retry shortly", (), {"Retry-After": "5"})
    log.exception("unhandled error", exc_info=exc)
    return Failure(500, "Internal server error")


def refuse_nul_outside_bodies(request: Request) -> None:
    """A path holding a NUL names nothing (404); a query parameter holding one is 400 naming it. JSON bodies
    are checked by their models (http.inputs.NoNulText), POST /Token's form by the endpoint (OAuth's shape)."""
    if any(NUL in value for value in request.path_params.values()):
        raise NotFound("Not found")
    for name, value in request.query_params.multi_items():
        if NUL in name or NUL in value:
            field = name.replace(NUL, "")
            raise RequestRefused.field(field, f"{field} {NUL_MESSAGE}")


class DialectRoute(APIRoute):
    """An APIRoute that owns the request's transaction and answers failures in the dialect's error shape."""

    renderer: ClassVar[ErrorRenderer]

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        renderer = type(self).renderer

        async def in_transaction(request: Request) -> Response:
            transaction = RequestTransaction(request.app.state.database, read_only=request.method in READING)
            request.state.transaction = transaction
            try:
                refuse_nul_outside_bodies(request)
                response = await handler(request)
                if response.status_code >= 400:
                    await transaction.rollback()
                else:
                    await transaction.commit(response)  # before the answer leaves: no uncommitted successes
                return response
            except Replay as replay:
                await transaction.rollback()
                answer = replay.answer
                headers = {**answer.headers, "Idempotent-Replayed": "true"}
                return Response(answer.body, status_code=answer.status_code, headers=headers)
            except Exception as exc:  # every failure gets the dialect's shape, none a stack trace
                await transaction.rollback()
                return renderer(request, to_failure(exc))
            finally:
                await transaction.close()

        return in_transaction
