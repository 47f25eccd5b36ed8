"""Database pool metrics: connections in use, and checkouts that had to queue for one."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from contactnotes.observability import metrics


def observe_pool(engine: AsyncEngine) -> None:
    pool: Any = engine.sync_engine.pool
    if getattr(pool, "_contactnotes_observed", False):
        return
    pool._contactnotes_observed = True
    size = pool.size() if hasattr(pool, "size") else 0
    capacity = size + max(getattr(pool, "_max_overflow", 0), 0)

    # Set from the pool's own count, so nothing can drift; "checkin" fires before the connection is back.
    def checked_out(*_args: Any) -> None:
        metrics.DB_POOL_IN_USE.set(pool.checkedout())

    def checked_in(*_args: Any) -> None:
        metrics.DB_POOL_IN_USE.set(max(pool.checkedout() - 1, 0))

    event.listen(pool, "checkout", checked_out)
    event.listen(pool, "checkin", checked_in)

    # Pool.connect is what the engine calls for a connection; a checkout that finds every connection taken
    # queues inside it (QueuePool), so that is where waiting is timed.
    connect = pool.connect

    def timed_connect() -> Any:
        if capacity and pool.checkedout() >= capacity:
            metrics.DB_POOL_WAITS.inc()
        started = time.perf_counter()
        try:
            return connect()
        finally:
            metrics.DB_POOL_CHECKOUT_SECONDS.observe(time.perf_counter() - started)

    pool.connect = timed_connect
