"""The Virtuous-format webhook body, with the note in Virtuous's ContactNote shape.

Stands in until the Virtuous dialect's mapping module provides the note renderer; app.py registers
`webhook_payload` from here, and only the `note_out` below would change when that module arrives.
"""

from __future__ import annotations

from typing import Any

from contactnotes.jobs.events import EventType
from contactnotes.notes.schemas import NoteView
from contactnotes.webhooks.schemas import WebhookEvent

# Virtuous names its note events by the subscription toggles.
EVENT_NAMES = {
    EventType.NOTE_CREATED.value: "contactNoteCreate",
    EventType.NOTE_UPDATED.value: "contactNoteUpdate",
    EventType.NOTE_DELETED.value: "contactNoteDelete",
}


def _iso(value: Any) -> str:
    return str(value.isoformat().replace("+00:00", "Z"))


def note_out(view: NoteView) -> dict[str, Any]:
    return {
        "id": view.id,
        "contactId": view.contact.id,
        "createDateTimeUtc": _iso(view.created_at),
        "createdByUser": view.author.full_name,
        "modifiedDateTimeUtc": _iso(view.updated_at),
        "modifiedByUser": view.modified_by.full_name,
        "noteDate": _iso(view.note_date),
        "type": view.type,
        "note": view.body,
        "important": view.important,
        "isPrivate": view.is_private,
        "createdByAvatarUrl": view.author.avatar_url,
        "reminder": None,
    }


def webhook_payload(event: WebhookEvent) -> dict[str, Any]:
    """{id, type, time, data}: data is the note as GET /api/ContactNote/{id} shows it."""
    return {
        "id": event.event_id,
        "type": EVENT_NAMES.get(event.type, event.type),
        "time": _iso(event.occurred_at),
        "data": note_out(event.note) if event.note else None,
    }
