"""TetherAI-dialect rate limits: N requests per user and M per organization per window, told on every answer.

Both counters are counted in one limiter call (one Redis round trip), all or nothing: a request refused
because its user is over their limit does not use up their organization's allowance, and the other way
round. The headers (and a 429's Retry-After) speak of the limit that binds: the refusing one, or else the
one with the least left. Requests without a usable token are answered 401 without being counted (a token
is a 256-bit secret: there is nothing to guess), and the signed file links, whose signature is the
credential, are not limited here.
"""

from __future__ import annotations

from fastapi import Request, Response

from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import settings_of
from contactnotes.http.ratelimit import RateLimited, counter_store, remember, remembered, set_headers
from contactnotes.ratelimit import binding


async def limit_user_and_organization(request: Request, principal: PrincipalDep) -> None:
    """Counts the request against the caller and the caller's organization; 429 over either limit."""
    settings = settings_of(request)
    window = settings.rate_limit_window_seconds
    scoped = [
        (scope, key, limit)
        for scope, key, limit in (
            ("user", "tether:user:" + principal.user_oid, settings.tether_user_rate_limit),
            ("organization", "tether:org:" + principal.org_oid, settings.tether_org_rate_limit),
        )
        if limit > 0
    ]
    if not scoped:
        return
    decisions = await (await counter_store(request)).hit_all([(key, limit) for _, key, limit in scoped], window)
    if decisions is None:  # the counters are unreachable: admit (logged by the limiter)
        return
    decision = binding(decisions)
    remember(request, decision)
    if not decision.allowed:
        scope = scoped[decisions.index(decision)][0]
        raise RateLimited(decision, f"requests per {scope} per {window} seconds")


def add_headers(request: Request, response: Response) -> None:
    decision = remembered(request)
    if decision is not None:
        set_headers(response, decision)
