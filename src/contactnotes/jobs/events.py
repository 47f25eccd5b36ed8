"""Event types that leave the system through the outbox. Payloads carry ids; snapshots the state announced."""

from __future__ import annotations

import enum


class EventType(enum.StrEnum):
    NOTE_CREATED = "note.created"
    NOTE_UPDATED = "note.updated"
    NOTE_DELETED = "note.deleted"
    REACTION_TOGGLED = "note.reaction_toggled"
    USER_MENTIONED = "user.mentioned"
    REMINDER_DUE = "reminder.due"
    CONTACT_ERASED = "contact.erased"  # webhooks only (docs/events.md): the stream shows notes
    # Internal work items, never shown to subscribers.
    WEBHOOK_DELIVERY = "webhook.delivery"
    EMAIL_DIGEST = "email.digest"
    NOTE_EMAILED = "note.emailed"  # a note sent to an address on request (POST /api/ContactNote/Email)
    ERASURE_FILES = "erasure.files"  # an erased contact's files, removed from storage after the commit


# What people can subscribe to and see on the stream.
PUBLIC_EVENTS: tuple[EventType, ...] = (
    EventType.NOTE_CREATED,
    EventType.NOTE_UPDATED,
    EventType.NOTE_DELETED,
    EventType.REACTION_TOGGLED,
    EventType.USER_MENTIONED,
    EventType.REMINDER_DUE,
)

# What webhook subscriptions may ask for: the stream's events, and erasures.
WEBHOOK_EVENTS: tuple[EventType, ...] = (*PUBLIC_EVENTS, EventType.CONTACT_ERASED)
