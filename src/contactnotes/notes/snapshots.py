"""The state an event announces, taken in the transaction of the change that causes it.

Stored with the event's outbox row as JSON of core views (no wire format), so that every dialect's webhook
payload and the stream render what was true when the event happened, and a later edit is its own event,
as Stripe's and GitHub's events do. A note's snapshot names every contact it is about (NoteView.contacts), so
a change of its links is announced with the new set. Whether a reader may still be told is decided at delivery time from
the current rows (notes/events.py): a snapshot never outlives the note's visibility.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from contactnotes.notes.schemas import NoteView
from contactnotes.reminders.schemas import ReminderSummary, ReminderView
from contactnotes.users.schemas import UserSummary


@dataclass(frozen=True, slots=True)
class Notice:
    """The inbox row an event tells its recipient about (user.mentioned, reminder.due)."""

    oid: str
    kind: str
    created_at: datetime
    actor: UserSummary | None = None


@dataclass(frozen=True, slots=True)
class EventSnapshot:
    note: NoteView | None = None
    user: UserSummary | None = None  # user.mentioned: the user mentioned
    reminder: ReminderSummary | None = None  # reminder.due
    notice: Notice | None = None


# Built once. NoteView names ReminderView for type checkers only (the two schema modules import each
# other), so it is handed over here.
_ADAPTER: TypeAdapter[EventSnapshot] = TypeAdapter(EventSnapshot)
_ADAPTER.rebuild(_types_namespace={"ReminderView": ReminderView})


def dump(snapshot: EventSnapshot) -> dict[str, Any]:
    """JSON-ready data for the outbox row (datetimes as ISO 8601 in UTC)."""
    data: dict[str, Any] = _ADAPTER.dump_python(snapshot, mode="json")
    return data


def parse(data: dict[str, Any]) -> EventSnapshot:
    return _ADAPTER.validate_python(data)
