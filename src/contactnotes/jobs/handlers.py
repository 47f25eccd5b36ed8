"""The handlers every worker runs, by event type. The composition root adds its services to the context."""

from __future__ import annotations

from contactnotes.jobs.events import PUBLIC_EVENTS, EventType
from contactnotes.jobs.registry import Registry
from contactnotes.notifications import email
from contactnotes.realtime import broker
from contactnotes.search import files as search_files
from contactnotes.webhooks import delivery


def default_registry() -> Registry:
    registry = Registry()
    # First: the stream is the latency-sensitive path (Redis deployments only; a no-op otherwise).
    registry.add(PUBLIC_EVENTS, broker.publish_handler)
    registry.add(PUBLIC_EVENTS, delivery.fan_out)
    registry.add([EventType.WEBHOOK_DELIVERY], delivery.deliver)
    registry.add([EventType.USER_MENTIONED, EventType.REMINDER_DUE], email.notify)
    registry.add([EventType.EMAIL_DIGEST], email.send_digest)
    # Text of newly attached files, for search (after the deliveries: it is the slowest and least urgent).
    registry.add([EventType.NOTE_CREATED, EventType.NOTE_UPDATED], search_files.extract_attached)
    return registry
