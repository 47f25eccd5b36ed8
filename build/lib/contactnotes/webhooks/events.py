"""Loading what an outbox event is about, as it is now, for a payload renderer."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.jobs.registry import OutboxItem
from contactnotes.notes import repository as notes_repository
from contactnotes.notes.schemas import NoteView, UserSummary
from contactnotes.notifications import repository as notifications_repository
from contactnotes.orgs import repository as orgs_repository
from contactnotes.users import repository as users_repository
from contactnotes.webhooks.schemas import ReminderSummary, WebhookEvent


def _summary(user: object) -> UserSummary:
    return UserSummary(user.id, user.oid, user.full_name, user.email, user.avatar_url)  # type: ignore[attr-defined]


async def note_view(session: AsyncSession, note_id: int | None) -> NoteView | None:
    if note_id is None:
        return None
    note = await notes_repository.get_by_id_any_state(session, note_id)
    return (await notes_repository.load_views(session, [note]))[0] if note is not None else None


async def load_event(session: AsyncSession, item: OutboxItem) -> WebhookEvent | None:
    """The event with its note (and mentioned user or reminder). None when there is nothing an
    organization-wide receiver may be told: a private note is its author's alone."""
    note = await note_view(session, item.payload.get("note_id"))
    if note is not None and note.is_private:
        return None
    user = None
    reminder = None
    if "user_id" in item.payload:
        found = await users_repository.get_in_org(session, item.org_id, item.payload["user_id"])
        user = _summary(found) if found else None
    if "reminder_id" in item.payload:
        row = await notifications_repository.get_reminder(session, item.payload["reminder_id"])
        if row is None:
            return None
        owner = await users_repository.get_in_org(session, item.org_id, row.owner_id)
        if owner is None:
            return None
        reminder = ReminderSummary(row.id, row.oid, row.message, row.target_date, _summary(owner))
    elif note is None:
        return None
    time_zone = await orgs_repository.time_zone_of(session, item.org_id)
    return WebhookEvent(item.event_id, item.type, item.created_at, note, user, reminder, time_zone)
