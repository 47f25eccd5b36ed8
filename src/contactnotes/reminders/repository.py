"""Every SQL statement for reminders. A reminder is visible when its note is (or it has no note)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.contacts.schemas import ContactSummary
from contactnotes.models import Contact, Note, Reminder, ReminderStatus, User
from contactnotes.reminders.schemas import ReminderView
from contactnotes.users.schemas import UserSummary
from contactnotes.visibility import visible


def _note_visible(principal: Principal) -> ColumnElement[bool]:
    # Through an outer join: a reminder without a note is visible to its organization; one with a note only
    # while that note is.
    return or_(Reminder.note_id.is_(None), visible(principal.org_id, principal.user_id))


def _visible(principal: Principal) -> Select[Reminder]:
    return (
        select(Reminder)
        .outerjoin(Note, Note.id == Reminder.note_id)
        .where(Reminder.org_id == principal.org_id, _note_visible(principal))
    )


async def get_visible_for_update(session: AsyncSession, principal: Principal, ref: int | str) -> Reminder | None:
    key = Reminder.id == ref if isinstance(ref, int) else Reminder.oid == ref
    statement = _visible(principal).where(key).with_for_update(of=Reminder)
    found: Reminder | None = (await session.scalars(statement)).first()
    return found


async def get_for_note(session: AsyncSession, note_id: int) -> Reminder | None:
    return (await session.scalars(select(Reminder).where(Reminder.note_id == note_id))).first()


async def add(session: AsyncSession, reminder: Reminder) -> Reminder:
    session.add(reminder)
    await session.flush()
    return reminder


async def remove_for_note(session: AsyncSession, note_id: int) -> None:
    await session.execute(delete(Reminder).where(Reminder.note_id == note_id))


async def page_active(
    session: AsyncSession,
    principal: Principal,
    *,
    owner_id: int | None,
    contact_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[Reminder], int]:
    """Unresolved reminders the caller can see, soonest first."""
    statement = _visible(principal).where(Reminder.status == ReminderStatus.ACTIVE)
    if owner_id is not None:
        statement = statement.where(Reminder.owner_id == owner_id)
    if contact_id is not None:
        statement = statement.where(Reminder.contact_id == contact_id)
    total = int(await session.scalar(statement.with_only_columns(func.count(Reminder.id))) or 0)
    page = statement.order_by(Reminder.target_date, Reminder.id).limit(limit).offset(offset)
    return list(await session.scalars(page)), total


async def resolved_of_owner(session: AsyncSession, principal: Principal, *, limit: int) -> list[Reminder]:
    """The caller's own completed or dismissed reminders, most recently resolved first."""
    statement = (
        _visible(principal)
        .where(Reminder.owner_id == principal.user_id, Reminder.status != ReminderStatus.ACTIVE)
        .order_by(Reminder.resolved_at.desc(), Reminder.id.desc())
        .limit(limit)
    )
    return list(await session.scalars(statement))


def _user(user: User) -> UserSummary:
    return UserSummary(user.id, user.oid, user.full_name, user.email, user.avatar_url)


async def load_views(session: AsyncSession, reminders: Sequence[Reminder]) -> list[ReminderView]:
    if not reminders:
        return []
    users = {u.id: u for u in await session.scalars(select(User).where(User.id.in_({r.owner_id for r in reminders})))}
    contacts = {
        c.id: c for c in await session.scalars(select(Contact).where(Contact.id.in_({r.contact_id for r in reminders})))
    }
    note_ids = {r.note_id for r in reminders if r.note_id is not None}
    rows = await session.execute(select(Note.id, Note.oid).where(Note.id.in_(note_ids)))
    note_oids: dict[int, str] = {note_id: oid for note_id, oid in rows}
    views = []
    for r in reminders:
        contact = contacts[r.contact_id]
        views.append(
            ReminderView(
                id=r.id,
                oid=r.oid,
                note_id=r.note_id,
                note_oid=note_oids.get(r.note_id) if r.note_id is not None else None,
                contact=ContactSummary(contact.id, contact.oid, contact.display_name, contact.avatar_url),
                owner=_user(users[r.owner_id]),
                message=r.message,
                description=r.description,
                target_date=r.target_date,
                status=r.status,
                resolved_at=r.resolved_at,
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
        )
    return views


async def views_for_notes(session: AsyncSession, note_ids: Sequence[int]) -> dict[int, ReminderView]:
    """The reminder of each note that has one, for notes already known to be visible."""
    if not note_ids:
        return {}
    reminders = list(await session.scalars(select(Reminder).where(Reminder.note_id.in_(note_ids))))
    return {view.note_id: view for view in await load_views(session, reminders) if view.note_id is not None}
