"""Loading outbox events for delivery: the one place webhooks, the stream and email get an event from.

An event says what its snapshot says (notes/snapshots.py), never what the rows say now. Whom it may be told
to is decided now, by the one visibility rule (`visibility.can_see`): a reader is told only about a note
they could see when the event happened and can still see, so a note deleted or made private since is
dropped from replay, live delivery, webhooks and email, and a deleted note's body is not read back through
an event that still holds it. `note.deleted` is the one event about a note that is gone: it needs only the
former.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes import visibility
from contactnotes.jobs.events import EventType
from contactnotes.jobs.registry import OutboxItem
from contactnotes.notes import repository
from contactnotes.notes.schemas import NoteView
from contactnotes.notes.snapshots import EventSnapshot, parse
from contactnotes.notifications import repository as notifications_repository
from contactnotes.reminders.schemas import ReminderSummary
from contactnotes.users import repository as users_repository
from contactnotes.users.schemas import UserSummary

# Events whose payload `user_id` is the one user they notify.
_NOTIFYING = (EventType.USER_MENTIONED.value, EventType.REMINDER_DUE.value)


@dataclass(frozen=True, slots=True)
class _Facts:
    """A snapshot's note as the visibility rule reads it: as it was, so not deleted."""

    org_id: int
    author_id: int
    is_private: bool
    deleted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LoadedEvent:
    id: int  # the outbox row: the stream's event id
    event_id: str
    type: str
    org_id: int
    occurred_at: datetime
    state: EventSnapshot
    note_id: int | None
    recipient_id: int | None  # user.mentioned, reminder.due: the user notified
    note_now: visibility.NoteState | None  # the note's row now; None when it has none (or it is gone)

    def visible_to(self, org_id: int, user_id: int | None) -> bool:
        """May this reader be told? `user_id` None is an organization's receiver: public notes only."""
        if self.org_id != org_id:
            return False
        if self.note_id is None:
            return True  # about no note (a reminder on a contact)
        announced = self.state.note
        if announced is not None and not visibility.can_see(
            _Facts(self.org_id, announced.author.id, announced.is_private), org_id, user_id
        ):
            return False
        if self.type == EventType.NOTE_DELETED:
            return announced is not None and self.note_now is not None and self.note_now.org_id == org_id
        return self.note_now is not None and visibility.can_see(self.note_now, org_id, user_id)


def _summary(user: Any) -> UserSummary:
    return UserSummary(user.id, user.oid, user.full_name, user.email, user.avatar_url)


async def note_view(session: AsyncSession, note_id: int | None, *, live_only: bool = True) -> NoteView | None:
    """A note's view as it is now, for workers (callers check visibility); None when there is none (or it
    is deleted, unless `live_only` is False)."""
    note = await repository.get_by_id_any_state(session, note_id) if note_id else None
    if note is None or (live_only and note.deleted_at is not None):
        return None
    return (await repository.load_views(session, [note]))[0]


async def reminder_summary(session: AsyncSession, org_id: int, reminder: Any) -> ReminderSummary | None:
    owner = await users_repository.get_in_org(session, org_id, reminder.owner_id)
    if owner is None:
        return None
    return ReminderSummary(reminder.id, reminder.oid, reminder.message, reminder.target_date, _summary(owner))


async def _state_now(session: AsyncSession, item: OutboxItem) -> EventSnapshot:
    """For rows written before events carried snapshots: the state as it is now (same visibility rule)."""
    ids = item.payload
    note = await note_view(session, ids.get("note_id"), live_only=item.type != EventType.NOTE_DELETED)
    user = reminder = None
    if item.type == EventType.USER_MENTIONED:
        found = await users_repository.get_in_org(session, item.org_id, ids["user_id"])
        user = _summary(found) if found else None
    if "reminder_id" in ids:
        row = await notifications_repository.get_reminder(session, ids["reminder_id"])
        reminder = await reminder_summary(session, item.org_id, row) if row else None
    return EventSnapshot(note=note, user=user, reminder=reminder)  # no notice: the stream skips those


async def load(session: AsyncSession, items: Sequence[OutboxItem]) -> list[LoadedEvent]:
    """The events of these outbox rows, with their notes' current access rows (one statement in all)."""
    note_ids = sorted({int(i.payload["note_id"]) for i in items if i.payload.get("note_id") is not None})
    access = {row.id: row for row in await repository.access_of(session, note_ids)} if note_ids else {}
    loaded = []
    for item in items:
        note_id = item.payload.get("note_id")
        state = parse(item.snapshot) if item.snapshot is not None else await _state_now(session, item)
        loaded.append(
            LoadedEvent(
                id=item.id,
                event_id=item.event_id,
                type=item.type,
                org_id=item.org_id,
                occurred_at=item.created_at,
                state=state,
                note_id=note_id,
                recipient_id=int(item.payload["user_id"]) if item.type in _NOTIFYING else None,
                note_now=access.get(note_id) if note_id is not None else None,
            )
        )
    return loaded
