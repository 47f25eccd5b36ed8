"""The worker in-process: failing handlers are retried with bounds, leases keep events from two workers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select, update

from contactnotes.app import job_context
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.jobs import repository
from contactnotes.jobs.events import EventType
from contactnotes.jobs.queue import enqueue
from contactnotes.jobs.registry import JobContext, OutboxItem, Registry
from contactnotes.jobs.worker import Worker
from contactnotes.kit import clock
from contactnotes.kit.clock import utc_now
from contactnotes.models import OutboxEvent
from contactnotes.settings import Settings
from tests.factories import World


async def test_a_failing_handler_is_retried_then_given_up_with_its_error(
    database: Database, settings: Settings, world: World
) -> None:
    calls: list[str] = []

    async def broken(_context: JobContext, item: OutboxItem) -> None:
        calls.append(item.event_id)
        raise RuntimeError("receiver exploded")

    registry = Registry()
    registry.add([EventType.NOTE_CREATED], broken)
    bounded = settings.model_copy(update={"worker_max_attempts": 3, "worker_retry_base_seconds": 0.01})
    async with unit_of_work(database) as session:
        event_id = await enqueue(session, world.acme.id, EventType.NOTE_CREATED, note_id=1)

    async def run_and_read() -> OutboxEvent:
        await Worker(job_context(bounded, database), registry).run_once()
        async with unit_of_work(database) as session:
            return (await session.scalars(select(OutboxEvent))).one()

    with clock.using(clock.ManualClock()) as now:
        row = await run_and_read()
        assert calls == [event_id] and row.processed_at is None
        row = await run_and_read()  # the retry is not due until the clock has moved on
        assert calls == [event_id]
        for _ in range(2):
            now.advance(seconds=1)
            row = await run_and_read()

    assert calls == [event_id] * 3
    assert row.attempts == 2 and row.processed_at is not None
    assert row.last_error is not None and "gave up after 3 attempts" in row.last_error
    assert "receiver exploded" in row.last_error


async def test_an_event_claimed_by_a_live_worker_is_not_taken_by_another(
    database: Database, settings: Settings, world: World
) -> None:
    async with unit_of_work(database) as session:
        await enqueue(session, world.acme.id, EventType.NOTE_CREATED, note_id=1)
    async with unit_of_work(database) as session:
        [held] = await repository.claim(session, "worker-a", utc_now(), timedelta(minutes=5), 10)
    async with unit_of_work(database) as session:
        assert await repository.claim(session, "worker-b", utc_now(), timedelta(minutes=5), 10) == []
    # Once worker-a's lease has run out (it died), worker-b gets the same event.
    async with unit_of_work(database) as session:
        [again] = await repository.claim(
            session, "worker-b", utc_now() + timedelta(minutes=6), timedelta(minutes=5), 10
        )
    assert again.event_id == held.event_id


async def test_claims_take_the_earliest_due_events_first(database: Database, world: World) -> None:
    async with unit_of_work(database) as session:
        later = await enqueue(session, world.acme.id, EventType.NOTE_CREATED, note_id=1)
        sooner = await enqueue(session, world.acme.id, EventType.NOTE_CREATED, note_id=2)
    async with unit_of_work(database) as session:  # the first one written was put off (a retry, say)
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.event_id == later)
            .values(available_at=utc_now() - timedelta(minutes=1))
        )
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.event_id == sooner)
            .values(available_at=utc_now() - timedelta(minutes=2))
        )
    async with unit_of_work(database) as session:
        [first] = await repository.claim(session, "worker-a", utc_now(), timedelta(minutes=5), 1)
        [second] = await repository.claim(session, "worker-a", utc_now(), timedelta(minutes=5), 1)
    assert (first.event_id, second.event_id) == (sooner, later)


async def test_a_running_worker_marks_handled_events_done_without_further_events(
    database: Database, settings: Settings, world: World
) -> None:
    """Handled events are marked done by the worker's next claim, which a quiet worker still makes within
    its poll interval."""
    handled = asyncio.Event()

    async def quick(_context: JobContext, _item: OutboxItem) -> None:
        handled.set()

    registry = Registry()
    registry.add([EventType.NOTE_CREATED], quick)
    async with unit_of_work(database) as session:
        await enqueue(session, world.acme.id, EventType.NOTE_CREATED, note_id=1)
    fast = settings.model_copy(update={"worker_poll_seconds": 0.05})
    stop = asyncio.Event()
    running = asyncio.create_task(Worker(job_context(fast, database), registry).run(stop))
    try:
        await asyncio.wait_for(handled.wait(), 10)
        for _ in range(200):
            async with unit_of_work(database) as session:
                row = (await session.scalars(select(OutboxEvent))).one()
            if row.processed_at is not None:
                break
            await asyncio.sleep(0.05)
        assert row.processed_at is not None and row.claimed_by is None
    finally:
        stop.set()
        await running
