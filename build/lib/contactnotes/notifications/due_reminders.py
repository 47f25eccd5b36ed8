"""Reminders whose target date has passed: the owner is told once, whatever the number of workers."""

from __future__ import annotations

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.jobs.events import EventType
from contactnotes.jobs.queue import enqueue
from contactnotes.kit.clock import utc_now
from contactnotes.notifications import repository

BATCH = 100


async def scan(database: Database) -> int:
    """Notify the owners of reminders come due; returns how many this call notified.

    Each reminder is claimed in its own short transaction with a conditional update of due_notified_at,
    and its inbox row and outbox event are written in that same transaction: all or nothing, exactly once.
    """
    notified = 0
    while True:
        async with unit_of_work(database) as session:
            due = await repository.due_reminder_ids(session, utc_now(), BATCH)
        for reminder_id in due:
            async with unit_of_work(database) as session:
                now = utc_now()
                reminder = await repository.claim_due_reminder(session, reminder_id, now)
                if reminder is None:
                    continue  # another worker got there first
                notification_id = await repository.add_reminder_due(session, reminder, now)
                await enqueue(
                    session,
                    reminder.org_id,
                    EventType.REMINDER_DUE,
                    reminder_id=reminder.id,
                    user_id=reminder.owner_id,
                    notification_id=notification_id,
                    note_id=reminder.note_id,
                )
                notified += 1
        if len(due) < BATCH:
            return notified
