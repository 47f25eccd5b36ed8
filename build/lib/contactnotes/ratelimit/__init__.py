"""Fixed-window request counters, shared through Redis or kept in the process."""

from contactnotes.ratelimit.limiter import (
    Decision,
    InProcessLimiter,
    Limiter,
    RedisLimiter,
    binding,
    build_limiter,
)

__all__ = ["Decision", "InProcessLimiter", "Limiter", "RedisLimiter", "binding", "build_limiter"]
