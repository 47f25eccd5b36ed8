"""Virtuous's rate limit: N requests per organization per window, told on every answer.

Authenticated requests count against their organization (all its tokens share it, as on Virtuous);
requests without a usable token count against the client's address.
"""

from __future__ import annotations

from fastapi import Request, Response

from contactnotes.auth.principal import Principal
from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SettingsDep, settings_of
from contactnotes.http.ratelimit import RateLimited, counter_store, limiter_of, remember, remembered, set_headers
from contactnotes.ratelimit import Decision
from contactnotes.settings import Settings


def client_key(request: Request) -> str:
    return "virtuous:ip:" + (request.client.host if request.client else "unknown")


async def count(request: Request, key: str, limit: int, window: int) -> Decision | None:
    decision = await (await counter_store(request)).hit(key, limit, window)
    remember(request, decision)
    return decision


async def limit_organization(request: Request, principal: PrincipalDep) -> None:
    """Counts the request against the caller's organization; 429 over the limit."""
    settings = settings_of(request)
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
    decision = remembered(request)
    if decision is None:
        # The request failed before it could be counted (no usable token): count it by address, so every
        # answer carries the headers and guessing tokens is limited too.
        settings = request.app.state.settings
        decision = await count(
            request, client_key(request), settings.virtuous_rate_limit, settings.rate_limit_window_seconds
        )
    if decision is not None:
        set_headers(response, decision)


async def limit_emails(request: Request, principal: Principal, settings: Settings) -> None:
    """Emails sent on request (POST /api/ContactNote/Email) go to any address, so each user may send at most
    the email cap per email window (the cap mention emails have); 429 past it. Not the headers' limit."""
    decision = await limiter_of(request).hit(
        "virtuous:email:" + principal.user_oid, settings.email_hourly_cap, int(settings.email_window_seconds)
    )
    if decision is not None and not decision.allowed:
        raise RateLimited(decision, f"emails per user per {int(settings.email_window_seconds)} seconds")
