"""Reminder use cases: set on a note (from either dialect), complete, dismiss, list the active ones."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.contacts import service as contacts
from contactnotes.errors import Conflict, Forbidden, Invalid, NotFound
from contactnotes.kit.clock import utc_now
from contactnotes.kit.ids import parse_oid
from contactnotes.models import Note, Reminder, ReminderStatus, User
from contactnotes.reminders import repository
from contactnotes.reminders.schemas import (
    MAX_DESCRIPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    ReminderInput,
    ReminderPage,
    ReminderView,
)
from contactnotes.users import repository as users_repository

NOT_FOUND = "Reminder not found"


async def _owner(session: AsyncSession, principal: Principal, note: Note, data: ReminderInput) -> User:
    if data.owner is None:
        owner = await users_repository.get_in_org(session, principal.org_id, note.author_id)
    elif isinstance(data.owner, int):
        owner = await users_repository.get_in_org(session, principal.org_id, data.owner)
    else:
        found = await users_repository.find_by_oids(session, principal.org_id, [parse_oid(data.owner) or data.owner])
        owner = found[0] if found else None
    if owner is None:
        raise Invalid.field("reminder.owner", f"{data.owner!r} is not a user of this organization", "UNKNOWN_USER")
    return owner


def _check(data: ReminderInput) -> None:
    if not data.message.strip():
        raise Invalid.field("reminder.message", "A reminder needs a message", "REQUIRED")
    if len(data.message) > MAX_MESSAGE_LENGTH:
        raise Invalid.field("reminder.message", f"A message has at most {MAX_MESSAGE_LENGTH} characters", "TOO_LONG")
    if data.description is not None and len(data.description) > MAX_DESCRIPTION_LENGTH:
        raise Invalid.field(
            "reminder.description", f"A description has at most {MAX_DESCRIPTION_LENGTH} characters", "TOO_LONG"
        )
    if data.target_date.tzinfo is None:
        raise Invalid.field("reminder.target_date", "A reminder's date needs a time zone", "INVALID")


def check_private_owner(note: Note, owner_id: int) -> None:
    """A private note is its author's alone, so its reminder cannot be someone else's."""
    if note.is_private and owner_id != note.author_id:
        raise Invalid.field("reminder.owner", "A reminder on a private note belongs to the note's author", "CANNOT_SEE")


async def set_for_note(
    session: AsyncSession, principal: Principal, note: Note, data: ReminderInput | None
) -> ReminderView | None:
    """Create, replace the fields of, or (with None) remove the note's reminder. Its status is kept."""
    existing = await repository.get_for_note(session, note.id)
    if data is None:
        if existing is not None:
            await repository.remove_for_note(session, note.id)
        return None
    _check(data)
    owner = await _owner(session, principal, note, data)
    check_private_owner(note, owner.id)
    now = utc_now()
    if existing is None:
        reminder = await repository.add(
            session,
            Reminder(
                org_id=principal.org_id,
                note_id=note.id,
                contact_id=note.contact_id,
                owner_id=owner.id,
                created_by_id=principal.user_id,
                message=data.message.strip(),
                description=data.description,
                target_date=data.target_date,
                status=ReminderStatus.ACTIVE,
                created_at=now,
                updated_at=now,
            ),
        )
    else:
        reminder = existing
        if reminder.target_date != data.target_date:
            reminder.due_notified_at = None  # a new due time deserves a new "due" notice
        reminder.owner_id = owner.id
        reminder.message = data.message.strip()
        reminder.description = data.description
        reminder.target_date = data.target_date
        reminder.updated_at = now
        await session.flush()
    return (await repository.load_views(session, [reminder]))[0]


async def check_note_privacy(session: AsyncSession, note: Note) -> None:
    """Called when a note becomes private: its reminder must then be the author's."""
    existing = await repository.get_for_note(session, note.id)
    if existing is not None:
        check_private_owner(note, existing.owner_id)


async def _resolve(session: AsyncSession, principal: Principal, ref: int | str, status: ReminderStatus) -> ReminderView:
    reminder = await repository.get_visible_for_update(session, principal, ref)
    if reminder is None:
        raise NotFound(NOT_FOUND)
    if reminder.owner_id != principal.user_id and not principal.is_admin:
        raise Forbidden("Only the reminder's owner or an organization admin can complete or dismiss it")
    if reminder.status != ReminderStatus.ACTIVE:
        raise Conflict(f"The reminder is already {reminder.status.lower()}")
    now = utc_now()
    reminder.status = status
    reminder.resolved_at = now
    reminder.resolved_by_id = principal.user_id
    reminder.updated_at = now
    await session.flush()
    return (await repository.load_views(session, [reminder]))[0]


async def complete(session: AsyncSession, principal: Principal, ref: int | str) -> ReminderView:
    return await _resolve(session, principal, ref, ReminderStatus.COMPLETED)


async def dismiss(session: AsyncSession, principal: Principal, ref: int | str) -> ReminderView:
    return await _resolve(session, principal, ref, ReminderStatus.DISMISSED)


async def list_active(
    session: AsyncSession,
    principal: Principal,
    *,
    mine: bool,
    contact: int | str | None = None,
    limit: int,
    offset: int = 0,
) -> ReminderPage:
    """The caller's own unresolved reminders (mine=True), or everyone's the caller can see, per contact."""
    contact_id = (await contacts.get_contact(session, principal.org_id, contact)).id if contact is not None else None
    rows, total = await repository.page_active(
        session,
        principal,
        owner_id=principal.user_id if mine else None,
        contact_id=contact_id,
        limit=limit,
        offset=offset,
    )
    return ReminderPage(await repository.load_views(session, rows), total)


async def list_done(session: AsyncSession, principal: Principal, *, limit: int) -> list[ReminderView]:
    """The caller's own completed and dismissed reminders, the most recently resolved first."""
    return await repository.load_views(session, await repository.resolved_of_owner(session, principal, limit=limit))
