"""Fixed-window counters: N hits per key per window, the window starting at the key's first hit.

Anchoring the window at the first hit (rather than at clock boundaries) means a burst is never split
across two windows, so "exactly N successes" holds for any burst. With Redis, every server process shares
the counters; the SET NX + INCR + PTTL transaction is atomic, so concurrent processes never over-admit.

`hit_all` counts one request against several keys at once (a user and their organization) in one round
trip, all or nothing: a request refused by one key is counted by none, so a user hammering past their own
limit does not also use up their organization's allowance.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
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


def binding(decisions: Sequence[Decision]) -> Decision:
    """The decision to tell the client about: of the refusing ones the one that lifts last, else the one
    with the least left."""
    refused = [d for d in decisions if not d.allowed]
    if refused:
        return max(refused, key=lambda d: d.retry_after)
    return min(decisions, key=lambda d: d.remaining)


class Limiter(Protocol):
    async def hit(self, key: str, limit: int, window: int) -> Decision | None:
        """Count one hit. None when the counter store is unreachable: callers then let the request through."""

    async def hit_all(self, limits: Sequence[tuple[str, int]], window: int) -> list[Decision] | None:
        """Count one hit on every (key, limit) if each has room, else on none; one decision per key, in order.

        Admitted when every decision is `allowed`. On a refusal the decisions are as `peek` gives them: the
        keys without room say `allowed=False`. None when the counter store is unreachable (admit)."""

    async def peek(self, key: str, limit: int, window: int) -> Decision | None:
        """The current state without counting; `allowed` says whether one more hit would be admitted."""

    async def reset(self, key: str) -> None: ...

    async def close(self) -> None: ...


class InProcessLimiter:
    """Counters in this process only: right for one server process (the embedded default)."""

    remote = False  # counting never waits on the network

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, float]] = {}  # key -> (count, window end, Unix seconds)

    def _current(self, key: str, now: float) -> tuple[int, float] | None:
        entry = self._windows.get(key)
        if entry is None or entry[1] <= now:
            return None
        return entry

    def _sweep(self, now: float) -> None:
        if len(self._windows) > 100_000:  # drop ended windows now and then so the dict stays small
            self._windows = {k: v for k, v in self._windows.items() if v[1] > now}

    async def hit(self, key: str, limit: int, window: int) -> Decision:
        now = utc_now().timestamp()
        self._sweep(now)
        # No await between the read and the write: the event loop cannot interleave another hit here.
        count, ends = self._current(key, now) or (0, now + window)
        self._windows[key] = (count + 1, ends)
        return _decision(count + 1, limit, ends - now, now)

    async def hit_all(self, limits: Sequence[tuple[str, int]], window: int) -> list[Decision]:
        now = utc_now().timestamp()
        self._sweep(now)
        # As in hit(): no await from the reads to the writes, so the check and the count are one step.
        current = [self._current(key, now) or (0, now + window) for key, _ in limits]
        admit = all(count < limit for (count, _), (_, limit) in zip(current, limits, strict=True))
        if admit:
            for (key, _), (count, ends) in zip(limits, current, strict=True):
                self._windows[key] = (count + 1, ends)
        return [
            _decision(count + 1, limit, ends - now, now)
            for (count, ends), (_, limit) in zip(current, limits, strict=True)
        ]

    async def peek(self, key: str, limit: int, window: int) -> Decision:
        now = utc_now().timestamp()
        count, ends = self._current(key, now) or (0, now + window)
        return _decision(count + 1, limit, ends - now, now)

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)

    async def close(self) -> None:
        self._windows.clear()


# All or nothing over several counters, in one round trip (EVALSHA). KEYS: the counters; ARGV[1]: the
# window in seconds; ARGV[1 + i]: the limit of KEYS[i]. Answers {admitted, count_1, pttl_1, count_2, ...}
# where count_i is the count after this hit when admitted, and the count before it when refused.
# A script runs atomically, so two processes can never both take a counter's last slot.
HIT_ALL = """
local admitted = 1
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = tonumber(redis.call('GET', key) or '0')
  if counts[i] >= tonumber(ARGV[i + 1]) then admitted = 0 end
end
local answer = {admitted}
for i, key in ipairs(KEYS) do
  if admitted == 1 then
    redis.call('SET', key, 0, 'EX', ARGV[1], 'NX')
    counts[i] = redis.call('INCR', key)
  end
  answer[#answer + 1] = counts[i]
  answer[#answer + 1] = redis.call('PTTL', key)
end
return answer
"""


class RedisLimiter:
    """Counters in Redis, shared by every process pointed at it."""

    remote = True  # counting is a round trip

    def __init__(self, url: str, prefix: str = "contactnotes:ratelimit:") -> None:
        self._redis: Redis = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._prefix = prefix
        self._hit_all = self._redis.register_script(HIT_ALL)

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

    async def hit_all(self, limits: Sequence[tuple[str, int]], window: int) -> list[Decision] | None:
        try:
            answer = await self._hit_all(
                keys=[self._prefix + key for key, _ in limits], args=[window, *(limit for _, limit in limits)]
            )
        except (RedisError, OSError) as exc:
            log.warning("rate limiter unavailable, admitting request: %s", exc)
            return None
        now = utc_now().timestamp()
        admitted = int(answer[0]) == 1
        decisions = []
        for i, (_, limit) in enumerate(limits):
            count, pttl = int(answer[1 + 2 * i]), int(answer[2 + 2 * i])
            seconds_left = pttl / 1000 if pttl > 0 else window  # -2: no counter yet (a refusal by another key)
            decisions.append(_decision(count if admitted else count + 1, limit, seconds_left, now))
        return decisions

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
