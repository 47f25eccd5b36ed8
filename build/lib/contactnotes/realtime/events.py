"""What the real-time stream carries: outbox events, loaded once per process, filtered per listener."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.jobs.events import EventType
from contactnotes.jobs.registry import OutboxItem
from contactnotes.notes import repository as notes_repository
from contactnotes.notes.schemas import NoteView, UserSummary
from contactnotes.notifications import repository as notifications_repository
from contactnotes.users import repository as users_repository
from contactnotes.webhooks.schemas import ReminderSummary

NOTE_EVENTS = (EventType.NOTE_CREATED, EventType.NOTE_UPDATED, EventType.NOTE_DELETED, EventType.REACTION_TOGGLED)
NOTIFICATION_EVENTS = (EventType.USER_MENTIONED, EventType.REMINDER_DUE)
STREAMED = [e.value for e in NOTE_EVENTS + NOTIFICATION_EVENTS]


@dataclass(frozen=True, slots=True)
class NotificationView:
    id: int
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
    org_id: int
    note: NoteView | None = None
    recipient_id: int | None = None
    notification: NotificationView | None = None

    def visible_to(self, principal: Principal) -> bool:
        if self.org_id != principal.org_id:
            return False
        if self.notification is not None:
            return self.recipient_id == principal.user_id
        return self.note is not None and (not self.note.is_private or self.note.author.id == principal.user_id)


def _summary(user: object) -> UserSummary:
    return UserSummary(user.id, user.oid, user.full_name, user.email, user.avatar_url)  # type: ignore[attr-defined]


async def _note(session: AsyncSession, note_id: int | None) -> NoteView | None:
    note = await notes_repository.get_by_id_any_state(session, note_id) if note_id else None
    return (await notes_repository.load_views(session, [note]))[0] if note is not None else None


async def _notification(session: AsyncSession, item: OutboxItem) -> NotificationView | None:
    if item.type == EventType.REMINDER_DUE:
        row = await notifications_repository.get_by_id(session, int(item.payload["notification_id"]))
    else:
        row = await notifications_repository.find_mention(session, item.payload["user_id"], item.payload["note_id"])
    if row is None:
        return None
    note = await _note(session, row.note_id)
    if note is not None and note.is_private and note.author.id != row.user_id:
        note = None
    actor = await users_repository.get_in_org(session, row.org_id, row.actor_id) if row.actor_id else None
    reminder = None
    if row.reminder_id:
        found = await notifications_repository.get_reminder(session, row.reminder_id)
        owner = await users_repository.get_in_org(session, row.org_id, found.owner_id) if found else None
        if found is not None and owner is not None:
            reminder = ReminderSummary(found.id, found.oid, found.message, found.target_date, _summary(owner))
    return NotificationView(
        id=row.id,
        oid=row.oid,
        kind=row.kind,
        created_at=row.created_at,
        read_at=row.read_at,
        actor=_summary(actor) if actor else None,
        contact_oid=note.contact.oid if note else None,
        note=note,
        reminder=reminder,
    )


async def build(session: AsyncSession, items: list[OutboxItem]) -> list[StreamEvent]:
    events = []
    for item in items:
        if item.type in NOTIFICATION_EVENTS:
            notification = await _notification(session, item)
            if notification is not None:
                events.append(
                    StreamEvent(item.id, item.event_id, item.type, item.org_id, notification.note,
                                int(item.payload["user_id"]), notification)
                )  # fmt: skip
        elif item.type in NOTE_EVENTS:
            note = await _note(session, item.payload.get("note_id"))
            if note is not None:
                events.append(StreamEvent(item.id, item.event_id, item.type, item.org_id, note))
    return events
