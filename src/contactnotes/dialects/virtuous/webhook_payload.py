"""The Virtuous-format webhook body, with the note exactly as GET /api/ContactNote/{id} shows it."""

from __future__ import annotations

from typing import Any

from contactnotes.jobs.events import EventType
from contactnotes.kit.clock import utc_now
from contactnotes.kit.signing import sign
from contactnotes.webhooks.schemas import PayloadRenderer, WebhookEvent

from .mapping import dt, note_out

# Virtuous names its note events by the subscription toggles.
EVENT_NAMES = {
    EventType.NOTE_CREATED.value: "contactNoteCreate",
    EventType.NOTE_UPDATED.value: "contactNoteUpdate",
    EventType.NOTE_DELETED.value: "contactNoteDelete",
}


def webhook_payload(base_url: str) -> PayloadRenderer:
    """{id, type, time, data, contactIds}. A receiver is nobody in particular, so a reminder's canComplete is
    false. `data.contactId` is the note's primary contact, as Virtuous has one; `contactIds` (ours) names
    every contact the note is about, primary first."""

    def render(event: WebhookEvent) -> dict[str, Any]:
        note = note_out(event.note, None, base_url, utc_now(), event.time_zone) if event.note else None
        return {
            "id": event.event_id,
            "type": EVENT_NAMES.get(event.type, event.type),
            "time": dt(event.occurred_at),
            "data": note.model_dump(by_alias=True, mode="json") if note else None,
            "contactIds": [c.id for c in event.note.all_contacts] if event.note else [],
        }

    return render


SIGNATURE_HEADER = "X-Virtuous-Signature"


def signature_headers(secret: str, body: bytes) -> dict[str, str]:
    """Virtuous signs the raw body alone (HMAC-SHA256, hex), without the timestamp of the standard scheme."""
    return {SIGNATURE_HEADER: sign(secret, body)}
