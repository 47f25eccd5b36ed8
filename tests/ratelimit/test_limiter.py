"""The fixed-window limiter, in-process and on a real Redis."""

from __future__ import annotations

import asyncio
import socket
import uuid

import pytest

from contactnotes.ratelimit import Decision, InProcessLimiter, Limiter, RedisLimiter, binding
from tests.conftest import REDIS_URL, require_redis


@pytest.fixture(params=["in-process", "redis"])
async def limiter(request: pytest.FixtureRequest) -> Limiter:
    if request.param == "in-process":
        return InProcessLimiter()
    require_redis()
    return RedisLimiter(REDIS_URL)


async def test_counts_up_to_the_limit_then_refuses(limiter: Limiter) -> None:
    key = f"test:{uuid.uuid4()}"
    decisions = [await limiter.hit(key, 3, 60) for _ in range(5)]
    assert [d.allowed for d in decisions if d] == [True, True, True, False, False]
    assert [d.remaining for d in decisions if d] == [2, 1, 0, 0, 0]
    assert all(d and 0 < d.retry_after <= 60 for d in decisions)
    peeked = await limiter.peek(key, 3, 60)
    assert peeked is not None and not peeked.allowed
    await limiter.reset(key)
    fresh = await limiter.peek(key, 3, 60)
    assert fresh is not None and fresh.allowed and fresh.remaining == 2
    other = await limiter.hit(f"test:{uuid.uuid4()}", 3, 60)
    assert other is not None and other.remaining == 2
    await limiter.close()


async def test_hit_all_counts_every_key_or_none(limiter: Limiter) -> None:
    user, org, teammate = (f"test:{uuid.uuid4()}" for _ in range(3))

    async def both(key: str) -> list[Decision]:
        decisions = await limiter.hit_all([(key, 2), (org, 3)], 60)
        assert decisions is not None
        return decisions

    first, second = await both(user), await both(user)
    assert [[d.allowed for d in ds] for ds in (first, second)] == [[True, True], [True, True]]
    assert [d.remaining for d in second] == [0, 1]
    refused = await both(user)  # the user's third: refused by the user's key, counted by neither
    assert [d.allowed for d in refused] == [False, True]
    assert [d.remaining for d in refused] == [0, 0]
    assert all(0 < d.retry_after <= 60 for d in refused)
    admitted = await both(teammate)  # so the organization still has its third slot
    assert [d.allowed for d in admitted] == [True, True] and [d.remaining for d in admitted] == [1, 0]
    blocked = await both(teammate)
    assert [d.allowed for d in blocked] == [True, False]
    assert binding(blocked) is blocked[1]
    assert binding(admitted) is admitted[1]  # the one with the least left
    user_state = await limiter.peek(user, 2, 60)
    assert user_state is not None and not user_state.allowed
    teammate_state = await limiter.peek(teammate, 2, 60)
    assert teammate_state is not None and teammate_state.remaining == 0  # one hit counted, one left
    await limiter.close()


async def test_concurrent_hit_all_never_over_admits(limiter: Limiter) -> None:
    org = f"test:{uuid.uuid4()}"
    results = await asyncio.gather(*(limiter.hit_all([(f"u{i % 4}:{org}", 100), (org, 10)], 60) for i in range(40)))
    assert sum(1 for ds in results if ds and all(d.allowed for d in ds)) == 10
    await limiter.close()


async def test_an_unreachable_redis_lets_requests_through() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    limiter = RedisLimiter(f"redis://127.0.0.1:{port}/0")
    assert await limiter.hit("k", 1, 60) is None
    assert await limiter.peek("k", 1, 60) is None
    assert await limiter.hit_all([("k", 1), ("j", 1)], 60) is None
    await limiter.reset("k")
    await limiter.close()
