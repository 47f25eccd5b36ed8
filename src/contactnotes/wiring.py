"""What every worker runs: event handlers by type, and periodic upkeep. Part of the composition root.

The job machinery (`jobs/`) is generic; the features that react to events plug in here, so `jobs` knows
none of them and each feature package stays below the worker that calls it.
"""

from __future__ import annotations

from datetime import timedelta

from contactnotes.db.uow import unit_of_work
from contactnotes.erasure import handlers as erasure_handlers
from contactnotes.idempotency import service as idempotency
from contactnotes.jobs import repository as outbox
from contactnotes.jobs.events import PUBLIC_EVENTS, EventType
from contactnotes.jobs.registry import JobContext, Registry
from contactnotes.kit.clock import utc_now
from contactnotes.mail import delivery as email
from contactnotes.notes import due_reminders
from contactnotes.realtime import broker
from contactnotes.search import files as search_files
from contactnotes.settings import Settings
from contactnotes.webhooks import delivery

# The stream replays from the outbox, so delivered events stay this long (docs/events.md).
OUTBOX_RETENTION = timedelta(days=7)
UPKEEP_SECONDS = 600.0


async def scan_due_reminders(context: JobContext) -> bool:
    return await due_reminders.scan(context.database) > 0


async def prune_outbox(context: JobContext) -> bool:
    async with unit_of_work(context.database) as session:
        await outbox.prune(session, utc_now() - OUTBOX_RETENTION)
    return False


async def purge_idempotency_keys(context: JobContext) -> bool:
    async with unit_of_work(context.database) as session:
        await idempotency.purge_expired(session)
    return False


def default_registry(settings: Settings) -> Registry:
    registry = Registry()
    # First: the stream is the latency-sensitive path (Redis deployments only; a no-op otherwise).
    registry.add(PUBLIC_EVENTS, broker.publish_handler)
    registry.add(PUBLIC_EVENTS, delivery.fan_out)
    registry.add([EventType.WEBHOOK_DELIVERY], delivery.deliver)
    registry.add([EventType.CONTACT_ERASED], delivery.fan_out_erasure)
    registry.add([EventType.ERASURE_FILES], erasure_handlers.delete_files)
    registry.add([EventType.USER_MENTIONED, EventType.REMINDER_DUE], email.notify)
    registry.add([EventType.EMAIL_DIGEST], email.send_digest)
    registry.add([EventType.NOTE_EMAILED], email.send_note)
    # Text of newly attached files, for search (after the deliveries: it is the slowest and least urgent).
    registry.add([EventType.NOTE_CREATED, EventType.NOTE_UPDATED], search_files.extract_attached)
    registry.every(settings.reminder_scan_seconds, "due reminders", scan_due_reminders)
    registry.every(UPKEEP_SECONDS, "outbox retention", prune_outbox)
    registry.every(UPKEEP_SECONDS, "idempotency keys", purge_idempotency_keys)
    return registry
