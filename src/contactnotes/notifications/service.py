"""The inbox: a user's own notifications, read and marked read. The rows are written with the change that
causes them (notes/mentions.py, notes/due_reminders.py) and delivered onwards by workers."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.errors import NotFound
from contactnotes.kit.clock import utc_now
from contactnotes.notifications import repository
from contactnotes.notifications.schemas import NotificationPage, NotificationView

NOT_FOUND = "Notification not found"


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
