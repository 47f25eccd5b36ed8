"""Event types that leave the system through the outbox. Payloads carry ids only."""

from __future__ import annotations

import enum


class EventType(enum.StrEnum):
    NOTE_CREATED = "note.created"
    NOTE_UPDATED = "note.updated"
    NOTE_DELETED = "note.deleted"
    REACTION_TOGGLED = "note.reaction_toggled"
    USER_MENTIONED = "user.mentioned"
    REMINDER_DUE = "reminder.due"
