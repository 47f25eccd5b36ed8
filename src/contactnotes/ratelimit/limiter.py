"""Fixed-window counters: N hits per key per window, the window starting at the key's first hit.

Anchoring the window at the first hit (rather than at clock boundaries) means a burst is never split
across two windows, so "exactly N successes" holds for any burst. With Redis, every server process shares
the counters; the SET NX + INCR + PTTL transaction is atomic, so concurrent processes never over-admit.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from contactnotes.kit.clock import utc_now
from contactnotes.settings import Settings

log = logging.getLogger("contactnotes")


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: int  # Unix seconds when the window ends
    retry_after: int  # seconds until then (at least 1)


def _decision(count: int, limit: int, seconds_left: float, now: float) -> Decision:
    left = max(1, math.ceil(seconds_left))
    return Decision(count <= limit, limit, max(0, limit - count), math.ceil(now + left), left)


class Limiter(Protocol):
    async def hit(self, key: str, limit: int, window: int) -> Decision | None:
        """Count one hit. None when the counter store is unreachable: callers then let the request through."""

    async def peek(self, key: str, limit: int, window: int) -> Decision | None:
        """The current state without counting; `allowed` says whether one more hit would be admitted."""

    async def reset(self, key: str) -> None: ...

    async def close(self) -> None: ...


class InProcessLimiter:
    """Counters in this process only: right for one server process (the embedded default)."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, float]] = {}  # key -> (count, window end, Unix seconds)

    def _current(self, key: str, now: float) -> tuple[int, float] | None:
        entry = self._windows.get(key)
        if entry is None or entry[1] <= now:
            return None
        return entry

    async def hit(self, key: str, limit: int, window: int) -> Decision:
        now = utc_now().timestamp()
        if len(self._windows) > 100_000:  # drop ended windows now and then so the dict stays small
            self._windows = {k: v for k, v in self._windows.items() if v[1] > now}
        # No await between the read and the write: the event loop cannot interleave another hit here.
        count, ends = self._current(key, now) or (0, now + window)
        self._windows[key] = (count + 1, ends)
        return _decision(count + 1, limit, ends - now, now)

    async def peek(self, key: str, limit: int, window: int) -> Decision:
        now = utc_now().timestamp()
        count, ends = self._current(key, now) or (0, now + window)
        return _decision(count + 1, limit, ends - now, now)

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)

    async def close(self) -> None:
        self._windows.clear()


class RedisLimiter:
    """Counters in Redis, shared by every process pointed at it."""

    def __init__(self, url: str, prefix: str = "contactnotes:ratelimit:") -> None:
        self._redis: Redis = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._prefix = prefix

    async def hit(self, key: str, limit: int, window: int) -> Decision | None:
        name = self._prefix + key
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(name, 0, ex=window, nx=True)
                pipe.incr(name)
                pipe.pttl(name)
                _, count, pttl = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("rate limiter unavailable, admitting request: %s", exc)
            return None
        return _decision(int(count), limit, max(int(pttl), 0) / 1000 or window, utc_now().timestamp())

    async def peek(self, key: str, limit: int, window: int) -> Decision | None:
        name = self._prefix + key
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.get(name)
                pipe.pttl(name)
                raw, pttl = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("rate limiter unavailable, admitting request: %s", exc)
            return None
        count = int(raw or 0)
        left = int(pttl) / 1000 if raw is not None and int(pttl) > 0 else window
        return _decision(count + 1, limit, left, utc_now().timestamp())

    async def reset(self, key: str) -> None:
        try:
            await self._redis.delete(self._prefix + key)
        except (RedisError, OSError) as exc:
            log.warning("rate limiter unavailable: %s", exc)

    async def close(self) -> None:
        await self._redis.aclose()


def build_limiter(settings: Settings) -> Limiter:
    return RedisLimiter(settings.redis_url) if settings.redis_url else InProcessLimiter()
