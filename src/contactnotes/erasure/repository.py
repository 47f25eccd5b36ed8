"""SQL for erasure: what concerns one contact, found and deleted; every statement scoped to the organization."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.db.core import table_of
from contactnotes.importing.repository import chunks
from contactnotes.models import (
    Contact,
    ContactExternalId,
    ContactNoteCount,
    ErasureRecord,
    FileText,
    IdempotencyKey,
    ImportedNote,
    Note,
    NoteAttachment,
    NoteContact,
    NoteMention,
    NoteReaction,
    Notification,
    OutboxEvent,
    Reminder,
    Upload,
    WebhookDelivery,
)


async def note_ids(session: AsyncSession, org_id: int, contact_id: int) -> list[tuple[int, str]]:
    """(id, oid) of every note whose primary contact it is, deleted ones too (their rows still hold the
    content). Their revisions go with them by the foreign key's ON DELETE CASCADE."""
    statement = select(Note.id, Note.oid).where(Note.org_id == org_id, Note.contact_id == contact_id).order_by(Note.id)
    return [(row.id, row.oid) for row in (await session.execute(statement)).all()]


async def linked_note_ids(session: AsyncSession, org_id: int, contact_id: int) -> list[int]:
    """Notes whose primary contact is another one but that are linked to this contact too: they stay, for
    the others, and only the link goes."""
    statement = select(NoteContact.note_id).where(
        NoteContact.org_id == org_id, NoteContact.contact_id == contact_id, NoteContact.is_primary.is_(False)
    )
    return sorted(await session.scalars(statement))


async def live_counts(session: AsyncSession, org_id: int, contact_id: int) -> tuple[int, int]:
    """The live notes whose primary contact it is (anyone's, private ones too) and the files attached to
    them: what a person deleting the contact is told goes with it."""
    live = select(Note.id).where(Note.org_id == org_id, Note.contact_id == contact_id, Note.deleted_at.is_(None))
    notes = await session.scalar(select(func.count()).select_from(live.subquery()))
    files = await session.scalar(
        select(func.count()).select_from(Upload).where(Upload.org_id == org_id, Upload.note_id.in_(live))
    )
    return int(notes or 0), int(files or 0)


async def reminder_ids(session: AsyncSession, org_id: int, contact_id: int) -> list[int]:
    statement = select(Reminder.id).where(Reminder.org_id == org_id, Reminder.contact_id == contact_id)
    return sorted(await session.scalars(statement))


async def notification_ids(
    session: AsyncSession, org_id: int, contact_id: int, notes: Sequence[int], reminders: Sequence[int]
) -> list[int]:
    about = [Notification.contact_id == contact_id]
    about += [Notification.note_id.in_(part) for part in chunks(notes)]
    about += [Notification.reminder_id.in_(part) for part in chunks(reminders)]
    statement = select(Notification.id).where(Notification.org_id == org_id, or_(*about))
    return sorted(await session.scalars(statement))


async def file_keys(session: AsyncSession, org_id: int, notes: Sequence[int]) -> tuple[list[int], list[str]]:
    """The uploads that belong to the notes (ids) and every storage key the notes carry or own."""
    uploads: list[int] = []
    keys: set[str] = set()
    for part in chunks(notes):
        owned = select(Upload.id, Upload.key).where(Upload.org_id == org_id, Upload.note_id.in_(part))
        for upload_id, key in (await session.execute(owned)).all():
            uploads.append(upload_id)
            keys.add(key)
        carried = (
            select(NoteAttachment.key)
            .join(Note, Note.id == NoteAttachment.note_id)
            .where(Note.org_id == org_id, NoteAttachment.note_id.in_(part))
        )
        keys.update(await session.scalars(carried))
    return sorted(uploads), sorted(keys)


async def outbox_rows(session: AsyncSession, org_id: int) -> list[tuple[int, str, dict[str, Any]]]:
    """(id, event id, payload) of the organization's outbox: kept only for the stream's replay window."""
    statement = select(OutboxEvent.id, OutboxEvent.event_id, OutboxEvent.payload).where(OutboxEvent.org_id == org_id)
    return [(row.id, row.event_id, row.payload) for row in (await session.execute(statement)).all()]


async def deliveries_about(
    session: AsyncSession, org_id: int, event_ids: Sequence[str], oids: Sequence[str]
) -> list[int]:
    """Webhook deliveries of those events, or whose body names the contact or one of its notes (their event
    may have left the outbox already; ObjectIds are 24 random hex digits, so a match is never by chance)."""
    found: set[int] = set()
    for part in chunks(list(event_ids)):
        statement = select(WebhookDelivery.id).where(
            WebhookDelivery.org_id == org_id, WebhookDelivery.event_id.in_(part)
        )
        found.update(await session.scalars(statement))
    for part in chunks(list(oids), 100):
        statement = select(WebhookDelivery.id).where(
            WebhookDelivery.org_id == org_id, or_(*(WebhookDelivery.body.contains(oid) for oid in part))
        )
        found.update(await session.scalars(statement))
    return sorted(found)


async def stored_answers(session: AsyncSession, org_id: int) -> list[tuple[int, bytes]]:
    """Idempotency keys' stored answers (kept 24 hours): a note's create answered with its body."""
    statement = select(IdempotencyKey.id, IdempotencyKey.response_body).where(
        IdempotencyKey.org_id == org_id, IdempotencyKey.response_body.is_not(None)
    )
    return [(row.id, row.response_body) for row in (await session.execute(statement)).all()]


async def _delete_in(session: AsyncSession, model: Any, column: Any, ids: Sequence[Any], org_id: int | None) -> None:
    for part in chunks(list(ids)):
        statement = delete(model).where(column.in_(part))
        if org_id is not None:
            statement = statement.where(model.org_id == org_id)
        await session.execute(statement)


async def delete_everything(
    session: AsyncSession,
    org_id: int,
    contact_id: int,
    *,
    notes: Sequence[int],
    unlinked: Sequence[int],
    reminders: Sequence[int],
    notifications: Sequence[int],
    uploads: Sequence[int],
    keys: Sequence[str],
    outbox: Sequence[int],
    deliveries: Sequence[int],
    answers: Sequence[int],
) -> None:
    """Children before parents: both databases check the foreign keys at each statement."""
    await _delete_in(session, Notification, Notification.id, notifications, org_id)
    await _delete_in(session, WebhookDelivery, WebhookDelivery.id, deliveries, org_id)
    await _delete_in(session, OutboxEvent, OutboxEvent.id, outbox, org_id)
    await _delete_in(session, IdempotencyKey, IdempotencyKey.id, answers, org_id)
    await _delete_in(session, Reminder, Reminder.id, reminders, org_id)
    await _delete_in(session, Upload, Upload.id, uploads, org_id)
    await _delete_in(session, Upload, Upload.key, keys, org_id)
    await _delete_in(session, FileText, FileText.key, keys, org_id)
    for model in (NoteAttachment, NoteMention, NoteReaction, ImportedNote):
        await _delete_in(session, model, model.note_id, notes, None)
    await _delete_in(session, Note, Note.id, notes, org_id)
    # The link rows of notes that stay; the note_contacts trigger takes them off the contact's counter.
    for part in chunks(list(unlinked)):
        await session.execute(
            delete(NoteContact).where(
                NoteContact.org_id == org_id,
                NoteContact.contact_id == contact_id,
                NoteContact.is_primary.is_(False),
                NoteContact.note_id.in_(part),
            )
        )
    await session.execute(delete(ContactNoteCount).where(ContactNoteCount.contact_id == contact_id))
    await session.execute(
        delete(ContactExternalId).where(ContactExternalId.org_id == org_id, ContactExternalId.contact_id == contact_id)
    )
    await session.execute(delete(Contact).where(Contact.org_id == org_id, Contact.id == contact_id))


async def add_record(session: AsyncSession, row: dict[str, Any]) -> int:
    return int(
        (
            await session.execute(insert(table_of(ErasureRecord)).returning(table_of(ErasureRecord).c.id), row)
        ).scalar_one()
    )


async def records(session: AsyncSession, org_id: int) -> list[ErasureRecord]:
    statement = select(ErasureRecord).where(ErasureRecord.org_id == org_id).order_by(ErasureRecord.id)
    return list(await session.scalars(statement))


async def forget_keys(session: AsyncSession, org_id: int, outbox_id: int, count: int) -> None:
    """The files job's own row keeps how many files went, not their keys (which hold file names)."""
    await session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.org_id == org_id, OutboxEvent.id == outbox_id)
        .values(payload={"files": count})
    )
