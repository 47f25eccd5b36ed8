"""Inbox notifications: rows written with the change, delivered onwards (email, stream, webhooks) by workers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.errors import NotFound
from contactnotes.jobs.events import EventType
from contactnotes.jobs.queue import Event, enqueue_many
from contactnotes.kit.clock import utc_now
from contactnotes.notifications import repository
from contactnotes.notifications.schemas import NotificationPage, NotificationView

NOT_FOUND = "Notification not found"


async def notify_mentioned(
    session: AsyncSession,
    principal: Principal,
    *,
    note_id: int,
    contact_id: int,
    user_ids: Sequence[int],
    then: Sequence[Event] = (),
) -> list[int]:
    """One inbox row (and one outbox event) per newly mentioned user; the author is never told of
    their own mention. `then` are the change's own events, written after these in the same statement.
    Returns the users notified."""
    recipients = [user_id for user_id in dict.fromkeys(user_ids) if user_id != principal.user_id]
    await repository.add_mentions(
        session,
        org_id=principal.org_id,
        actor_id=principal.user_id,
        note_id=note_id,
        contact_id=contact_id,
        user_ids=recipients,
        at=utc_now(),
    )
    mentioned = [
        Event(EventType.USER_MENTIONED, {"note_id": note_id, "user_id": user_id, "actor_id": principal.user_id})
        for user_id in recipients
    ]
    await enqueue_many(session, principal.org_id, [*mentioned, *then])
    return recipients


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
