"""The fixed-window limiter, in-process and on a real Redis."""

from __future__ import annotations

import os
import socket
import uuid

import pytest
import redis

from contactnotes.ratelimit import InProcessLimiter, Limiter, RedisLimiter

REDIS_URL = os.environ.get("CONTACTNOTES_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["in-process", "redis"])
async def limiter(request: pytest.FixtureRequest) -> Limiter:
    if request.param == "in-process":
        return InProcessLimiter()
    if not _redis_up():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
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


async def test_an_unreachable_redis_lets_requests_through() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    limiter = RedisLimiter(f"redis://127.0.0.1:{port}/0")
    assert await limiter.hit("k", 1, 60) is None
    assert await limiter.peek("k", 1, 60) is None
    await limiter.reset("k")
    await limiter.close()
