"""Inbox notifications: rows written with the change, delivered onwards (email, stream, webhooks) by workers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.errors import NotFound
from contactnotes.jobs.events import EventType
from contactnotes.jobs.queue import Event, enqueue_many
from contactnotes.kit.clock import utc_now
from contactnotes.models import NotificationKind
from contactnotes.notes import snapshots
from contactnotes.notes.schemas import NoteView, UserSummary
from contactnotes.notes.snapshots import EventSnapshot, Notice
from contactnotes.notifications import repository
from contactnotes.notifications.schemas import NotificationPage, NotificationView

NOT_FOUND = "Notification not found"


async def notify_mentioned(
    session: AsyncSession,
    principal: Principal,
    *,
    note: NoteView,
    users: Sequence[UserSummary],
    then: Sequence[Event] = (),
) -> list[int]:
    """One inbox row (and one outbox event) per newly mentioned user; the author is never told of
    their own mention. `note` is the note as this change leaves it: each event's snapshot. `then` are the
    change's own events, written after these in the same statement. Returns the users notified."""
    recipients = list({u.id: u for u in users if u.id != principal.user_id}.values())
    at = utc_now()
    oids = await repository.add_mentions(
        session,
        org_id=principal.org_id,
        actor_id=principal.user_id,
        note_id=note.id,
        contact_id=note.contact.id,
        user_ids=[u.id for u in recipients],
        at=at,
    )
    kind = NotificationKind.MENTION.value
    mentioned = [
        Event(
            EventType.USER_MENTIONED,
            {"note_id": note.id, "user_id": user.id, "actor_id": principal.user_id},
            snapshots.dump(EventSnapshot(note=note, user=user, notice=Notice(oid, kind, at, note.modified_by))),
        )
        for user, oid in zip(recipients, oids, strict=True)
    ]
    await enqueue_many(session, principal.org_id, [*mentioned, *then])
    return [u.id for u in recipients]


async def list_inbox(
    session: AsyncSession, principal: Principal, *, unread_only: bool = False, limit: int, offset: int = 0
) -> NotificationPage:
    """The caller's own notifications, newest first, with how many there are and how many are unread."""
    items = await repository.page(session, principal, unread_only=unread_only, limit=limit, offset=offset)
    total, unread = await repository.counts(session, principal)
    return NotificationPage(items, unread if unread_only else total, unread)


async def mark_read(session: AsyncSession, principal: Principal, oid: str) -> NotificationView:
    """Mark one of the caller's notifications read (again is harmless). Anyone else's is not found."""
    await repository.mark_read(session, principal, oid, utc_now())
    view = await repository.get(session, principal, oid)
    if view is None:
        raise NotFound(NOT_FOUND)
    return view


async def mark_all_read(session: AsyncSession, principal: Principal) -> int:
    """Mark every unread notification of the caller read; returns how many were unread."""
    return await repository.mark_all_read(session, principal, utc_now())
