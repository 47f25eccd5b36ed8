"""SQL for inbox rows. Every read and write is scoped to the recipient (and so to their organization)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from contactnotes.auth.principal import Principal
from contactnotes.kit.ids import new_oid
from contactnotes.models import Contact, Note, Notification, NotificationKind, User
from contactnotes.notes.repository import visible_to
from contactnotes.notes.schemas import ContactSummary, UserSummary
from contactnotes.notifications.schemas import EXCERPT_LENGTH, NotificationView


async def add_mentions(
    session: AsyncSession,
    *,
    org_id: int,
    actor_id: int,
    note_id: int,
    contact_id: int,
    user_ids: Sequence[int],
    at: datetime,
) -> None:
    if not user_ids:
        return
    await session.execute(
        insert(Notification),
        [
            {
                "oid": new_oid(),
                "org_id": org_id,
                "user_id": user_id,
                "kind": NotificationKind.MENTION.value,
                "actor_id": actor_id,
                "note_id": note_id,
                "contact_id": contact_id,
                "created_at": at,
            }
            for user_id in user_ids
        ],
    )


def _inbox(principal: Principal) -> ColumnElement[bool]:
    """The recipient's rows, minus those about a note they can no longer see (deleted, made private):
    an inbox entry must never lead to a 404 or reveal what a hidden note says."""
    note_still_visible = (
        select(Note.id).where(Note.id == Notification.note_id, visible_to(principal)).correlate(Notification).exists()
    )
    return and_(
        Notification.user_id == principal.user_id,
        Notification.org_id == principal.org_id,
        or_(Notification.note_id.is_(None), note_still_visible),
    )


_Actor = aliased(User)


def _rows(principal: Principal) -> Select[Any]:
    return (
        select(Notification, _Actor, Contact, Note.oid, func.substr(Note.body, 1, EXCERPT_LENGTH))
        .outerjoin(_Actor, _Actor.id == Notification.actor_id)
        .outerjoin(Contact, Contact.id == Notification.contact_id)
        .outerjoin(Note, Note.id == Notification.note_id)
        .where(_inbox(principal))
    )


def _view(row: Any) -> NotificationView:
    """A row of _rows(): (Notification, actor or None, contact or None, note oid or None, excerpt or None)."""
    notification, actor, contact, note_oid, excerpt = row
    return NotificationView(
        id=notification.id,
        oid=notification.oid,
        kind=notification.kind,
        created_at=notification.created_at,
        read_at=notification.read_at,
        actor=UserSummary(actor.id, actor.oid, actor.full_name, actor.email, actor.avatar_url) if actor else None,
        contact=ContactSummary(contact.id, contact.oid, contact.display_name, contact.avatar_url) if contact else None,
        note_oid=note_oid,
        note_excerpt=excerpt,
    )


async def page(
    session: AsyncSession, principal: Principal, *, unread_only: bool, limit: int, offset: int
) -> list[NotificationView]:
    statement = _rows(principal)
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    # Ids grow with time, so id order is arrival order and rides the (user_id, read_at, id) index.
    statement = statement.order_by(Notification.id.desc()).limit(limit).offset(offset)
    return [_view(row) for row in await session.execute(statement)]


async def counts(session: AsyncSession, principal: Principal) -> tuple[int, int]:
    """(all, unread) in the recipient's inbox."""
    unread = func.count().filter(Notification.read_at.is_(None))
    statement = select(func.count(), unread).select_from(Notification).where(_inbox(principal))
    total, unread_count = (await session.execute(statement)).one()
    return int(total or 0), int(unread_count or 0)


async def get(session: AsyncSession, principal: Principal, oid: str) -> NotificationView | None:
    row = (await session.execute(_rows(principal).where(Notification.oid == oid))).first()
    return _view(row) if row else None


async def mark_read(session: AsyncSession, principal: Principal, oid: str, at: datetime) -> None:
    # Only the first read counts: read_at keeps when the user first saw it.
    await session.execute(
        update(Notification)
        .where(_inbox(principal), Notification.oid == oid, Notification.read_at.is_(None))
        .values(read_at=at)
    )


async def mark_all_read(session: AsyncSession, principal: Principal, at: datetime) -> int:
    result = await session.execute(
        update(Notification).where(_inbox(principal), Notification.read_at.is_(None)).values(read_at=at)
    )
    return int(getattr(result, "rowcount", 0) or 0)
