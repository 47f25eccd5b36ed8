"""What every dialect's rate limit tells the client: the X-RateLimit-* headers and the 429 with Retry-After."""

from __future__ import annotations

from fastapi import HTTPException, Request, Response

from contactnotes.ratelimit import Decision, Limiter

STATE = "rate_limit"  # request.state attribute holding the request's Decision, once it was counted


class RateLimited(HTTPException):
    def __init__(self, decision: Decision, what: str = "requests") -> None:
        super().__init__(
            429,
            f"Rate limit of {decision.limit} {what} exceeded; retry in {decision.retry_after} seconds",
            headers={"Retry-After": str(decision.retry_after)},
        )


def limiter_of(request: Request) -> Limiter:
    limiter: Limiter = request.app.state.rate_limiter
    return limiter


async def counter_store(request: Request) -> Limiter:
    """The limiter, for counting this request. Before a round trip to a shared store (Redis) an embedded
    database's request gives back its connection: the process has one, and every other request would wait
    for it through the round trip. What the request read so far (its credential) is committed; its writes
    take the connection again after the count."""
    limiter = limiter_of(request)
    transaction = getattr(request.state, "transaction", None)
    if getattr(limiter, "remote", False) and transaction is not None and request.app.state.database.is_sqlite:
        await transaction.release()
    return limiter


def remember(request: Request, decision: Decision | None) -> None:
    setattr(request.state, STATE, decision)


def remembered(request: Request) -> Decision | None:
    decision: Decision | None = getattr(request.state, STATE, None)
    return decision


def set_headers(response: Response, decision: Decision) -> None:
    response.headers["X-RateLimit-Limit"] = str(decision.limit)
    response.headers["X-RateLimit-Remaining"] = str(decision.remaining)
    response.headers["X-RateLimit-Reset"] = str(decision.reset_at)
