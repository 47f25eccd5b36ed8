"""Virtuous's rate limit: N requests per organization per window, told on every answer.

Authenticated requests count against their organization (all its tokens share it, as on Virtuous);
requests without a usable token count against the client's address.
"""

from __future__ import annotations

from fastapi import HTTPException, Request, Response

from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SettingsDep
from contactnotes.ratelimit import Decision, Limiter

STATE = "rate_limit"


class RateLimited(HTTPException):
    def __init__(self, decision: Decision) -> None:
        super().__init__(
            429,
            f"Rate limit of {decision.limit} requests exceeded; retry in {decision.retry_after} seconds",
            headers={"Retry-After": str(decision.retry_after)},
        )


def limiter_of(request: Request) -> Limiter:
    limiter: Limiter = request.app.state.rate_limiter
    return limiter


def client_key(request: Request) -> str:
    return "virtuous:ip:" + (request.client.host if request.client else "unknown")


async def count(request: Request, key: str, limit: int, window: int) -> Decision | None:
    decision = await limiter_of(request).hit(key, limit, window)
    setattr(request.state, STATE, decision)
    return decision


async def limit_organization(request: Request, principal: PrincipalDep, settings: SettingsDep) -> None:
    """Counts the request against the caller's organization; 429 over the limit."""
    decision = await count(
        request, "virtuous:org:" + principal.org_oid, settings.virtuous_rate_limit, settings.rate_limit_window_seconds
    )
    if decision is not None and not decision.allowed:
        raise RateLimited(decision)


async def limit_client(request: Request, settings: SettingsDep) -> None:
    """Counts an unauthenticated request (POST /Token) against the client's address; 429 over the limit."""
    decision = await count(
        request, client_key(request), settings.virtuous_rate_limit, settings.rate_limit_window_seconds
    )
    if decision is not None and not decision.allowed:
        raise RateLimited(decision)


async def add_headers(request: Request, response: Response) -> None:
    decision: Decision | None = getattr(request.state, STATE, None)
    if decision is None:
        # The request failed before it could be counted (no usable token): count it by address, so every
        # answer carries the headers and guessing tokens is limited too.
        settings = request.app.state.settings
        decision = await count(
            request, client_key(request), settings.virtuous_rate_limit, settings.rate_limit_window_seconds
        )
    if decision is not None:
        response.headers["X-RateLimit-Limit"] = str(decision.limit)
        response.headers["X-RateLimit-Remaining"] = str(decision.remaining)
        response.headers["X-RateLimit-Reset"] = str(decision.reset_at)
