"""SQL for exports and restores. Reads take the organization and select only its rows; a contact's export
narrows them to that contact's notes and reminders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.db.core import table_of
from contactnotes.importing.repository import chunks
from contactnotes.models import (
    Contact,
    ContactExternalId,
    ImportedNote,
    Note,
    NoteAttachment,
    NoteContact,
    NoteMention,
    NoteReaction,
    NoteRevision,
    NoteType,
    Reminder,
    Upload,
    User,
)

Row = dict[str, Any]


def _rows(result: Any) -> list[Row]:
    return [dict(row._mapping) for row in result.all()]


async def users(session: AsyncSession, org_id: int) -> list[Row]:
    columns = (User.id, User.oid, User.email, User.full_name, User.handle, User.role, User.avatar_url, User.created_at)
    return _rows(await session.execute(select(*columns).where(User.org_id == org_id).order_by(User.id)))


async def note_types(session: AsyncSession, org_id: int) -> list[Row]:
    statement = select(NoteType.name, NoteType.position).where(NoteType.org_id == org_id).order_by(NoteType.position)
    return _rows(await session.execute(statement))


async def contacts(session: AsyncSession, org_id: int, contact_id: int | None) -> list[Row]:
    statement = select(table_of(Contact)).where(Contact.org_id == org_id).order_by(Contact.id)
    if contact_id is not None:
        statement = statement.where(Contact.id == contact_id)
    return _rows(await session.execute(statement))


async def contact_external_ids(session: AsyncSession, org_id: int, contact_ids: Sequence[int]) -> list[Row]:
    found: list[Row] = []
    for part in chunks(list(contact_ids)):
        statement = select(ContactExternalId.contact_id, ContactExternalId.source, ContactExternalId.external_id).where(
            ContactExternalId.org_id == org_id, ContactExternalId.contact_id.in_(part)
        )
        found += _rows(await session.execute(statement))
    return found


async def notes(session: AsyncSession, org_id: int, contact_id: int | None) -> list[Row]:
    """Every note, deleted ones too: their authors may still ask what was kept. A contact's are the notes
    whose primary contact it is and those linked to it besides; `contact_oid` names the primary contact,
    which for a linked note is another contact outside the export's `contacts`."""
    notes_table = table_of(Note)
    columns = [c for c in notes_table.c if c.name != "search_vector"]
    statement = (
        select(*columns, Contact.oid.label("contact_oid"))
        .join(Contact, Contact.id == Note.contact_id)
        .where(Note.org_id == org_id)
        .order_by(Note.id)
    )
    if contact_id is not None:
        linked = select(NoteContact.note_id).where(NoteContact.org_id == org_id, NoteContact.contact_id == contact_id)
        statement = statement.where(or_(Note.contact_id == contact_id, Note.id.in_(linked)))
    return _rows(await session.execute(statement))


async def _of_notes(session: AsyncSession, org_id: int, table: Table, note_ids: Sequence[int]) -> list[Row]:
    found: list[Row] = []
    for part in chunks(list(note_ids)):
        statement = (
            select(table).join(Note, Note.id == table.c.note_id).where(Note.org_id == org_id, table.c.note_id.in_(part))
        )
        found += _rows(await session.execute(statement))
    return found


async def attachments(session: AsyncSession, org_id: int, note_ids: Sequence[int]) -> list[Row]:
    return await _of_notes(session, org_id, table_of(NoteAttachment), note_ids)


async def mentions(session: AsyncSession, org_id: int, note_ids: Sequence[int]) -> list[Row]:
    return await _of_notes(session, org_id, table_of(NoteMention), note_ids)


async def reactions(session: AsyncSession, org_id: int, note_ids: Sequence[int]) -> list[Row]:
    return await _of_notes(session, org_id, table_of(NoteReaction), note_ids)


async def imported_ids(session: AsyncSession, org_id: int, note_ids: Sequence[int]) -> list[Row]:
    return await _of_notes(session, org_id, table_of(ImportedNote), note_ids)


async def revisions(session: AsyncSession, org_id: int, note_ids: Sequence[int]) -> list[Row]:
    found: list[Row] = []
    for part in chunks(list(note_ids)):
        statement = select(table_of(NoteRevision)).where(NoteRevision.org_id == org_id, NoteRevision.note_id.in_(part))
        found += _rows(await session.execute(statement))
    return found


async def linked_contacts(session: AsyncSession, org_id: int, note_ids: Sequence[int]) -> list[Row]:
    """The contacts the notes are linked to besides their primary one, with those contacts' ObjectIds."""
    found: list[Row] = []
    for part in chunks(list(note_ids)):
        statement = (
            select(NoteContact.note_id, Contact.oid.label("contact_oid"))
            .join(Contact, Contact.id == NoteContact.contact_id)
            .where(NoteContact.org_id == org_id, NoteContact.is_primary.is_(False), NoteContact.note_id.in_(part))
        )
        found += _rows(await session.execute(statement))
    return found


async def reminders(session: AsyncSession, org_id: int, contact_id: int | None) -> list[Row]:
    statement = select(table_of(Reminder)).where(Reminder.org_id == org_id).order_by(Reminder.id)
    if contact_id is not None:
        statement = statement.where(Reminder.contact_id == contact_id)
    return _rows(await session.execute(statement))


async def uploads(session: AsyncSession, org_id: int, keys: Sequence[str]) -> list[Row]:
    found: list[Row] = []
    for part in chunks(list(keys)):
        statement = select(table_of(Upload)).where(Upload.org_id == org_id, Upload.key.in_(part))
        found += _rows(await session.execute(statement))
    return found


async def org_is_empty(session: AsyncSession) -> bool:
    """A restore goes into a database that holds no organization's notes at all."""
    return (await session.scalar(select(Note.id).limit(1))) is None


async def insert_rows(session: AsyncSession, model: Any, rows: list[Row]) -> list[int]:
    """Insert and return the new integer ids in order (for tables with one)."""
    if not rows:
        return []
    table = table_of(model)
    if "id" in table.c:
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list((await session.scalars(statement, rows)).all())
    await session.execute(insert(table), rows)
    return []
