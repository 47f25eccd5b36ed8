"""What the real-time stream carries: outbox events, loaded once per process (notes/events.py), rendered
from their snapshots and filtered per listener by the one visibility rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.jobs import repository as outbox
from contactnotes.jobs.events import EventType
from contactnotes.jobs.registry import OutboxItem
from contactnotes.notes import events
from contactnotes.notes.events import LoadedEvent
from contactnotes.notes.schemas import NoteView
from contactnotes.reminders.schemas import ReminderSummary
from contactnotes.users.schemas import UserSummary

NOTE_EVENTS = (EventType.NOTE_CREATED, EventType.NOTE_UPDATED, EventType.NOTE_DELETED, EventType.REACTION_TOGGLED)
NOTIFICATION_EVENTS = (EventType.USER_MENTIONED, EventType.REMINDER_DUE)
STREAMED = [e.value for e in NOTE_EVENTS + NOTIFICATION_EVENTS]


@dataclass(frozen=True, slots=True)
class NotificationView:
    """The recipient's inbox row as the event announced it (so unread)."""

    oid: str
    kind: str
    created_at: datetime
    read_at: datetime | None
    actor: UserSummary | None
    contact_oid: str | None
    note: NoteView | None
    reminder: ReminderSummary | None


@dataclass(frozen=True, slots=True)
class StreamEvent:
    id: int  # the outbox row: the stream's event id, for Last-Event-ID
    event_id: str
    type: str
    loaded: LoadedEvent
    note: NoteView | None = None
    notification: NotificationView | None = None

    def visible_to(self, principal: Principal) -> bool:
        """A notification goes to its recipient alone; every event only about a note they may see, then
        and now (notes/events.py)."""
        if self.loaded.recipient_id is not None and self.loaded.recipient_id != principal.user_id:
            return False
        return self.loaded.visible_to(principal.org_id, principal.user_id)


def _stream_event(loaded: LoadedEvent) -> StreamEvent | None:
    state = loaded.state
    if loaded.type in NOTIFICATION_EVENTS:
        if state.notice is None:
            return None  # written before events carried snapshots: no inbox row to point at
        notification = NotificationView(
            oid=state.notice.oid,
            kind=state.notice.kind,
            created_at=state.notice.created_at,
            read_at=None,
            actor=state.notice.actor,
            contact_oid=state.note.contact.oid if state.note else None,
            note=state.note,
            reminder=state.reminder,
        )
        return StreamEvent(loaded.id, loaded.event_id, loaded.type, loaded, state.note, notification)
    if state.note is None:
        return None
    return StreamEvent(loaded.id, loaded.event_id, loaded.type, loaded, state.note)


async def build(session: AsyncSession, items: list[OutboxItem]) -> list[StreamEvent]:
    built = (_stream_event(loaded) for loaded in await events.load(session, items))
    return [event for event in built if event is not None]


async def position(session: AsyncSession) -> int:
    """Where the stream stands now: a page rendered from the database as it is resumes its stream from here,
    so what is written between the render and the stream's connection is replayed, not lost."""
    return await outbox.last_id(session)
