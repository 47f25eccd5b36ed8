"""The outbox worker: claims events, runs their handlers, retries with bounds, stops cleanly.

Any number of workers on any number of machines share one outbox: claims are leases (claimed_until) taken
with SKIP LOCKED on PostgreSQL or compare-and-set on SQLite, kept alive by a heartbeat while a handler
runs. A worker killed outright stops renewing; its events become claimable again when the lease runs out,
and are handled again with the same event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import random
import socket
import time
import uuid
from datetime import timedelta

from contactnotes.db.engine import Database
from contactnotes.db.listen import listen_forever
from contactnotes.db.uow import unit_of_work
from contactnotes.jobs import repository
from contactnotes.jobs.queue import NOTIFY_CHANNEL
from contactnotes.jobs.registry import JobContext, OutboxItem, Periodic, Registry, Retry
from contactnotes.kit.clock import utc_now
from contactnotes.observability import metrics, tracing
from contactnotes.observability.context import request_id
from contactnotes.observability.logs import JOB_LOGGER
from contactnotes.settings import Settings

log = logging.getLogger("contactnotes.worker")
job_log = logging.getLogger(JOB_LOGGER)

MAX_RETRY_DELAY = 3600.0
MAX_HEARTBEAT_INTERVAL = 10.0  # /readyz calls a worker stale after health_worker_max_age_seconds
FORGET_WORKERS_AFTER = timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(self, context: JobContext, registry: Registry, name: str | None = None) -> None:
        self.context = context
        self.registry = registry
        self.name = name or worker_name()
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._started_at = utc_now()
        self._handled: list[OutboxItem] = []  # handled, to be marked done by the next claim
        self._marked_at = time.monotonic()

    @property
    def database(self) -> Database:
        return self.context.database

    @property
    def settings(self) -> Settings:
        return self.context.settings

    # ---- one pass ---------------------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Run every periodic task, then handle every event that is due now; returns how many were handled."""
        for task in self.registry.periodic:
            await self._run_periodic(task)
        handled = 0
        try:
            while True:
                items = await self._claim(self.settings.worker_concurrency)
                if not items:
                    return handled
                await asyncio.gather(*(self._handle(item) for item in items))
                handled += len(items)
        finally:
            await self.context.close()

    # ---- the long-running loop --------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set; then finish what is in hand (within the lease) and release the rest."""
        log.info("worker %s started", self.name)
        await self._beat()
        helpers = [asyncio.create_task(self._heartbeat()), asyncio.create_task(self._periodic(stop))]
        if not self.database.is_sqlite:
            helpers.append(
                asyncio.create_task(listen_forever(self.database.url, NOTIFY_CHANNEL, lambda _p: self._wake.set()))
            )
        stopping = asyncio.create_task(stop.wait())
        try:
            waited = False
            poll = self.settings.worker_poll_seconds
            while not stop.is_set():
                free = self.settings.worker_concurrency - len(self._in_flight)
                # A claim is a write transaction: after a handler finishes, wait until half the slots are
                # free (or a poll interval has passed) and claim several at once, rather than one claim per
                # event (on the embedded database a claim costs as much CPU as the event's handlers).
                batch = max(1, self.settings.worker_concurrency // 2)
                overdue = bool(self._handled) and time.monotonic() - self._marked_at >= poll
                worth_claiming = free >= batch or not self._in_flight or waited or overdue
                items = await self._claim(max(free, 0)) if worth_claiming else []
                for item in items:
                    task = asyncio.create_task(self._handle(item))
                    self._in_flight[item.id] = task
                    task.add_done_callback(functools.partial(self._done, item.id))
                if len(items) == free and free > 0:
                    continue  # there may be more waiting
                self._wake.clear()
                waiting = asyncio.create_task(self._wake.wait())
                done, _ = await asyncio.wait([waiting, stopping], timeout=poll, return_when=asyncio.FIRST_COMPLETED)
                waiting.cancel()
                waited = not done  # the poll interval passed: claim whatever is free
        finally:
            await self._shutdown()
            stopping.cancel()
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            await self.context.close()
            await self._forget()
            log.info("worker %s stopped", self.name)

    def _done(self, item_id: int, _task: asyncio.Task[None]) -> None:
        self._in_flight.pop(item_id, None)
        self._wake.set()  # a slot is free

    async def _shutdown(self) -> None:
        pending = list(self._in_flight.values())
        if pending:
            _, unfinished = await asyncio.wait(pending, timeout=self.settings.worker_lease_seconds)
            held = [item_id for item_id, task in self._in_flight.items() if task in unfinished]
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
            if held:
                async with unit_of_work(self.database) as session:
                    await repository.release(session, self.name, held)
        await self._claim(0)  # mark what was handled

    async def _beat(self) -> None:
        """Leave a heartbeat for /readyz; a missed one is only a late one."""
        try:
            async with unit_of_work(self.database) as session:
                await repository.beat(session, self.name, self._started_at, utc_now())
        except Exception:
            log.warning("could not record the heartbeat", exc_info=True)

    async def _forget(self) -> None:
        with contextlib.suppress(Exception):
            async with unit_of_work(self.database) as session:
                await repository.forget_worker(session, self.name, older_than=utc_now() - FORGET_WORKERS_AFTER)

    async def _heartbeat(self) -> None:
        interval = min(max(self.settings.worker_lease_seconds / 3, 0.1), MAX_HEARTBEAT_INTERVAL)
        while True:
            await asyncio.sleep(interval)
            await self._beat()
            ids = list(self._in_flight)
            if not ids:
                continue
            try:
                async with unit_of_work(self.database) as session:
                    until = utc_now() + timedelta(seconds=self.settings.worker_lease_seconds)
                    await repository.extend(session, self.name, ids, until)
            except Exception:  # a missed beat only shortens the lease; the next one tries again
                log.warning("could not extend leases", exc_info=True)

    async def _periodic(self, stop: asyncio.Event) -> None:
        """Run each periodic task when its interval has passed (monotonic time: a clock change skips none)."""
        last_run: dict[str, float] = {}
        while not stop.is_set():
            now = time.monotonic()
            due = [t for t in self.registry.periodic if now - last_run.get(t.name, -t.every_seconds) >= t.every_seconds]
            for task in due:
                last_run[task.name] = now
                if await self._run_periodic(task):
                    self._wake.set()
            intervals = [t.every_seconds for t in self.registry.periodic] or [self.settings.worker_poll_seconds]
            await asyncio.sleep(min(intervals))

    async def _run_periodic(self, task: Periodic) -> bool:
        try:
            return await task.run(self.context)
        except Exception:  # the next interval tries again
            log.warning("periodic task %s failed", task.name, exc_info=True)
            return False

    # ---- claiming and handling --------------------------------------------------------------------------

    async def _claim(self, limit: int) -> list[OutboxItem]:
        """Mark the events handled since the last claim done, and claim up to `limit` more, in one write
        transaction: a create's events cost one or two writes of the outbox instead of two each. If the
        write fails, the handled events stay claimed: their lease runs out and they are handled again, as
        after a crash (delivery is at least once)."""
        lease = timedelta(seconds=self.settings.worker_lease_seconds)
        handled, self._handled = self._handled, []
        self._marked_at = time.monotonic()
        try:
            async with unit_of_work(self.database) as session:
                now = utc_now()
                if handled:
                    marked = await repository.finish_many(session, self.name, [i.id for i in handled], now)
                    if marked < len(handled):
                        log.warning("%d events: claim lost before they were marked done", len(handled) - marked)
                return await repository.claim(session, self.name, now, lease, limit) if limit > 0 else []
        except Exception:  # database briefly unavailable: try again on the next poll
            log.warning("claim failed", exc_info=True)
            return []

    async def _handle(self, item: OutboxItem) -> None:
        """Run the event's handlers under the request id that caused it, with one log line, metrics and a span."""
        token = request_id.set(item.request_id)
        started = time.perf_counter()
        outcome = "cancelled"
        try:
            with tracing.job_span(item.type, item.event_id, item.attempts + 1):
                outcome = await self._run_handlers(item)
        finally:
            seconds = time.perf_counter() - started
            metrics.EVENTS_HANDLED.labels(item.type, outcome).inc()
            metrics.JOB_SECONDS.labels(item.type).observe(seconds)
            job_log.info(
                "job",
                extra={
                    "fields": {
                        "event_id": item.event_id,
                        "type": item.type,
                        "attempt": item.attempts + 1,
                        "outcome": outcome,
                        "duration_ms": round(seconds * 1000, 2),
                        "worker": self.name,
                    }
                },
            )
            request_id.reset(token)

    async def _run_handlers(self, item: OutboxItem) -> str:
        """Handle one event; returns the outcome: done, retry, failed (will be retried) or gave_up."""
        try:
            for handler in self.registry.handlers_for(item.type):
                await handler(self.context, item)
        except asyncio.CancelledError:
            raise
        except Retry as retry:
            await self._reschedule(item, retry.delay_seconds, retry.reason, count_attempt=False)
            return "retry"
        except Exception as exc:
            log.warning("event %s (%s) failed: %r", item.event_id, item.type, exc, exc_info=True)
            error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if item.attempts + 1 >= self.settings.worker_max_attempts:
                await self._finish(item, error=f"gave up after {item.attempts + 1} attempts; {error}")
                return "gave_up"
            base = self.settings.worker_retry_base_seconds
            delay = min(base * 2**item.attempts, MAX_RETRY_DELAY) * random.uniform(0.8, 1.2)
            await self._reschedule(item, delay, error)
            return "failed"
        await self._mark_done(item)
        return "done"

    async def _mark_done(self, item: OutboxItem) -> None:
        """Remember a handled event; the next claim marks it done in its own transaction (see _claim)."""
        self._handled.append(item)

    async def _finish(self, item: OutboxItem, error: str | None = None) -> None:
        async with unit_of_work(self.database) as session:
            if not await repository.finish(session, self.name, item.id, utc_now(), error):
                log.warning("event %s: claim lost before it was marked done", item.event_id)

    async def _reschedule(self, item: OutboxItem, delay: float, error: str, *, count_attempt: bool = True) -> None:
        async with unit_of_work(self.database) as session:
            at = utc_now() + timedelta(seconds=delay)
            await repository.reschedule(session, self.name, item.id, at, error, count_attempt=count_attempt)
