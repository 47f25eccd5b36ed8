"""SQL for deleting a contact with everything about it. Every statement names the caller's organization."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.models import Contact, FileText, Note, Notification, Reminder, Upload


def _notes_of(org_id: int, contact_id: int):  # type: ignore[no-untyped-def]
    return select(Note.id).where(Note.org_id == org_id, Note.contact_id == contact_id)


async def counts(session: AsyncSession, org_id: int, contact_id: int) -> tuple[int, int]:
    """The contact's live notes (anyone's, private ones too) and the files attached to them."""
    notes = await session.scalar(
        select(func.count()).where(Note.org_id == org_id, Note.contact_id == contact_id, Note.deleted_at.is_(None))
    )
    live = _notes_of(org_id, contact_id).where(Note.deleted_at.is_(None))
    files = await session.scalar(
        select(func.count()).select_from(Upload).where(Upload.org_id == org_id, Upload.note_id.in_(live))
    )
    return int(notes or 0), int(files or 0)


async def file_keys(session: AsyncSession, org_id: int, contact_id: int) -> list[str]:
    """Every stored file of the contact's notes, deleted notes' included (their files were kept, dead)."""
    statement = select(Upload.key).where(Upload.org_id == org_id, Upload.note_id.in_(_notes_of(org_id, contact_id)))
    return list(await session.scalars(statement))


async def delete_all(session: AsyncSession, org_id: int, contact_id: int, keys: list[str]) -> None:
    """The rows, children first. Notes' attachments, mentions, reactions, reminders and notifications go with
    them (ON DELETE CASCADE); the counters go with the contact."""
    notes = _notes_of(org_id, contact_id)
    await session.execute(delete(Upload).where(Upload.org_id == org_id, Upload.note_id.in_(notes)))
    if keys:
        await session.execute(delete(FileText).where(FileText.org_id == org_id, FileText.key.in_(keys)))
    await session.execute(
        delete(Notification).where(Notification.org_id == org_id, Notification.contact_id == contact_id)
    )
    await session.execute(delete(Reminder).where(Reminder.org_id == org_id, Reminder.contact_id == contact_id))
    await session.execute(delete(Note).where(Note.org_id == org_id, Note.contact_id == contact_id))
    await session.execute(delete(Contact).where(Contact.org_id == org_id, Contact.id == contact_id))
