"""SQL for inbox rows. Every read and write is scoped to the recipient (and so to their organization)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from contactnotes.auth.principal import Principal
from contactnotes.contacts.schemas import ContactSummary
from contactnotes.db.core import table_of
from contactnotes.kit.ids import new_oid
from contactnotes.models import (
    Contact,
    EmailStatus,
    Note,
    Notification,
    NotificationKind,
    Reminder,
    ReminderStatus,
    User,
)
from contactnotes.notifications.schemas import EXCERPT_LENGTH, NotificationView
from contactnotes.users.schemas import UserSummary
from contactnotes.visibility import visible

_INSERT = insert(table_of(Notification))  # Core, built once (db/core.py)


async def add_mentions(
    session: AsyncSession,
    *,
    org_id: int,
    actor_id: int,
    note_id: int,
    contact_id: int,
    user_ids: Sequence[int],
    oids: Sequence[str] | None = None,
    at: datetime,
) -> list[str]:
    """One mention row per user (with these ObjectIds, or new ones); returns their ObjectIds, in order."""
    if not user_ids:
        return []
    oids = list(oids) if oids is not None else [new_oid() for _ in user_ids]
    await session.execute(
        _INSERT,
        [
            {
                "oid": oid,
                "org_id": org_id,
                "user_id": user_id,
                "kind": NotificationKind.MENTION.value,
                "actor_id": actor_id,
                "note_id": note_id,
                "contact_id": contact_id,
                "created_at": at,
            }
            for user_id, oid in zip(user_ids, oids, strict=True)
        ],
    )
    return oids


def _inbox(principal: Principal) -> ColumnElement[bool]:
    """The recipient's rows, minus those about a note they can no longer see (deleted, made private):
    an inbox entry must never lead to a 404 or reveal what a hidden note says."""
    note_still_visible = (
        select(Note.id)
        .where(Note.id == Notification.note_id, visible(principal.org_id, principal.user_id))
        .correlate(Notification)
        .exists()
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


# ---- reminders come due -----------------------------------------------------------------------------


async def due_reminder_ids(session: AsyncSession, now: datetime, limit: int) -> list[int]:
    statement = (
        select(Reminder.id)
        .where(
            Reminder.status == ReminderStatus.ACTIVE.value,
            Reminder.due_notified_at.is_(None),
            Reminder.target_date <= now,
        )
        .order_by(Reminder.target_date, Reminder.id)
        .limit(limit)
    )
    return list(await session.scalars(statement))


async def claim_due_reminder(session: AsyncSession, reminder_id: int, now: datetime) -> Reminder | None:
    """Compare-and-set on due_notified_at: of several workers, exactly one gets the reminder back."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.due_notified_at.is_(None))
        .values(due_notified_at=now)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    return await session.get(Reminder, reminder_id)


async def add_reminder_due(session: AsyncSession, reminder: Reminder, at: datetime) -> tuple[int, str]:
    """The owner's reminder_due row; returns its id and ObjectId."""
    oid = new_oid()
    notification_id = await session.scalar(
        insert(Notification)
        .values(
            oid=oid,
            org_id=reminder.org_id,
            user_id=reminder.owner_id,
            kind=NotificationKind.REMINDER_DUE.value,
            actor_id=None,
            note_id=reminder.note_id,
            contact_id=reminder.contact_id,
            reminder_id=reminder.id,
            created_at=at,
        )
        .returning(Notification.id)
    )
    assert notification_id is not None
    return int(notification_id), oid


# ---- email bookkeeping ------------------------------------------------------------------------------


async def get_by_id(session: AsyncSession, notification_id: int) -> Notification | None:
    """For workers, which act for no caller: the id comes from an outbox row written with the change."""
    return await session.get(Notification, notification_id)


async def find_mention(session: AsyncSession, user_id: int, note_id: int) -> Notification | None:
    statement = (
        select(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.note_id == note_id,
            Notification.kind == NotificationKind.MENTION.value,
        )
        .order_by(Notification.id.desc())
        .limit(1)
    )
    return (await session.scalars(statement)).first()


async def claim_for_email(session: AsyncSession, notification_id: int, status: EmailStatus, at: datetime) -> bool:
    """Set the email status once: a notification handled twice (a retried event) is mailed once."""
    result = await session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.email_status.is_(None))
        .values(email_status=status.value, emailed_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def unclaim_email(session: AsyncSession, notification_id: int) -> None:
    await session.execute(
        update(Notification)
        .where(Notification.id == notification_id)
        .values(email_status=None, emailed_at=None)
        .execution_options(synchronize_session=False)
    )


async def lock_recipient(session: AsyncSession, user_id: int) -> None:
    """Serialize one user's email decisions (PostgreSQL; SQLite transactions are serialized already), so
    concurrent workers counting against the cap cannot all see room for one more."""
    await session.execute(select(User.id).where(User.id == user_id).with_for_update())


async def hold_again(session: AsyncSession, notification_ids: Sequence[int]) -> None:
    """A digest that could not be sent: its notifications wait for the retry."""
    await session.execute(
        update(Notification)
        .where(Notification.id.in_(notification_ids))
        .values(email_status=EmailStatus.HELD.value)
        .execution_options(synchronize_session=False)
    )


async def count_emailed_since(session: AsyncSession, user_id: int, since: datetime) -> int:
    statement = select(func.count()).where(
        Notification.user_id == user_id,
        Notification.email_status == EmailStatus.SENT.value,
        Notification.emailed_at >= since,
    )
    return int(await session.scalar(statement) or 0)


async def oldest_emailed_since(session: AsyncSession, user_id: int, since: datetime) -> datetime | None:
    statement = select(func.min(Notification.emailed_at)).where(
        Notification.user_id == user_id,
        Notification.email_status == EmailStatus.SENT.value,
        Notification.emailed_at >= since,
    )
    return await session.scalar(statement)


async def count_held(session: AsyncSession, user_id: int) -> int:
    statement = select(func.count()).where(
        Notification.user_id == user_id, Notification.email_status == EmailStatus.HELD.value
    )
    return int(await session.scalar(statement) or 0)


async def take_held(session: AsyncSession, user_id: int, at: datetime) -> list[Notification]:
    """The user's held notifications, moved to digested in the same statement so one digest takes them."""
    ids = list(
        await session.scalars(
            update(Notification)
            .where(Notification.user_id == user_id, Notification.email_status == EmailStatus.HELD.value)
            .values(email_status=EmailStatus.DIGESTED.value, emailed_at=at)
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        )
    )
    if not ids:
        return []
    return list(await session.scalars(select(Notification).where(Notification.id.in_(ids)).order_by(Notification.id)))


async def get_reminder(session: AsyncSession, reminder_id: int) -> Reminder | None:
    return await session.get(Reminder, reminder_id)
