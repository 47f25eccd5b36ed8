"""A reminder come due notifies its owner exactly once, whatever the number of workers scanning."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.jobs.events import EventType
from contactnotes.kit.clock import utc_now
from contactnotes.models import Notification, NotificationKind, OutboxEvent, Reminder
from contactnotes.notes import due_reminders
from contactnotes.realtime.hub import StreamHub
from contactnotes.settings import Settings
from tests.factories import World


async def add_reminders(database: Database, world: World, count: int, *, due_in: timedelta) -> None:
    # The reminders service lives in another module; these rows are what the workers act on.
    async with unit_of_work(database) as session:
        now = utc_now()
        for number in range(count):
            session.add(
                Reminder(
                    org_id=world.acme.id, contact_id=world.contact.id, owner_id=world.bob.user.id,
                    created_by_id=world.alice.user.id, message=f"call back {number}", target_date=now + due_in,
                    updated_at=now, created_at=now,
                )
            )  # fmt: skip


async def count(database: Database, statement: object) -> int:
    async with unit_of_work(database) as session:
        return int(await session.scalar(statement) or 0)  # type: ignore[call-overload]


async def test_three_workers_notify_each_due_reminder_once(
    database: Database, settings: Settings, world: World
) -> None:
    await add_reminders(database, world, 60, due_in=-timedelta(minutes=5))
    await add_reminders(database, world, 3, due_in=timedelta(hours=1))
    # Three processes' worth of connections, scanning at the same moment.
    workers = [Database(settings) for _ in range(3)]
    try:
        notified = await asyncio.gather(*(due_reminders.scan(w) for w in workers))
        again = await asyncio.gather(*(due_reminders.scan(w) for w in workers))
    finally:
        for worker in workers:
            await worker.dispose()

    assert sum(notified) == 60 and sum(again) == 0
    inbox = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.kind == NotificationKind.REMINDER_DUE, Notification.user_id == world.bob.user.id)
    )
    assert await count(database, inbox) == 60
    assert await count(database, select(func.count(func.distinct(Notification.reminder_id)))) == 60
    events = select(func.count()).select_from(OutboxEvent).where(OutboxEvent.type == EventType.REMINDER_DUE)
    assert await count(database, events) == 60
    not_yet = select(func.count()).select_from(Reminder).where(Reminder.due_notified_at.is_(None))
    assert await count(database, not_yet) == 3


async def test_the_owner_sees_the_due_reminder_on_the_stream_and_nobody_else_does(
    database: Database, settings: Settings, world: World
) -> None:
    await add_reminders(database, world, 1, due_in=-timedelta(seconds=1))
    await due_reminders.scan(database)
    hub = StreamHub(database, settings)

    [event] = await hub.replay(world.bob.principal, 0)
    assert event.notification is not None and event.notification.kind == NotificationKind.REMINDER_DUE
    assert event.notification.reminder is not None and event.notification.reminder.message == "call back 0"
    assert await hub.replay(world.alice.principal, 0) == []
    assert await hub.replay(world.carol.principal, 0) == []
