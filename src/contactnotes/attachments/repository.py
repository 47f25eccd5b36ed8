"""Every SQL statement about uploads. Caller-facing reads are scoped to the principal's organization."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.models import Note, NoteAttachment, Upload, UploadStatus


def _carried_by_its_live_note() -> ColumnElement[bool]:
    """The note the upload belongs to is not deleted and still carries the key (an edit may have dropped it).
    Any other note that names the key does not count: a file serves only its own note."""
    return exists(
        select(NoteAttachment.id)
        .join(Note, Note.id == NoteAttachment.note_id)
        .where(NoteAttachment.note_id == Upload.note_id, NoteAttachment.key == Upload.key, Note.deleted_at.is_(None))
    )


def _never_attached() -> ColumnElement[bool]:
    return and_(Upload.note_id.is_(None), Upload.attached_at.is_(None))


async def add(session: AsyncSession, upload: Upload) -> Upload:
    session.add(upload)
    await session.flush()
    return upload


async def of_org_for_update(session: AsyncSession, principal: Principal, keys: Sequence[str]) -> dict[str, Upload]:
    """The caller's organization's uploads among these keys, locked against a concurrent clean-up."""
    if not keys:
        return {}
    statement = select(Upload).where(Upload.org_id == principal.org_id, Upload.key.in_(set(keys))).with_for_update()
    return {upload.key: upload for upload in await session.scalars(statement)}


async def mark_attached(
    session: AsyncSession, principal: Principal, keys: Sequence[str], note_id: int, at: datetime
) -> None:
    """The uploads now belong to the note (for good); attached_at is refreshed by every attach."""
    if keys:
        statement = (
            update(Upload)
            .where(Upload.org_id == principal.org_id, Upload.key.in_(set(keys)))
            .values(note_id=note_id, attached_at=at)
        )
        await session.execute(statement)


async def consume_grant(session: AsyncSession, key: str) -> bool:
    """Use up a direct-upload grant: true for the one request that finds it still waiting. The UPDATE locks
    the row, so a concurrent PUT or `complete` waits for this transaction and then sees it used."""
    statement = (
        update(Upload)
        .where(Upload.key == key, Upload.status == UploadStatus.PENDING)
        .values(status=UploadStatus.RECEIVED)
        .returning(Upload.id)
    )
    return (await session.execute(statement)).first() is not None


async def by_key(session: AsyncSession, key: str) -> Upload | None:
    """Any organization's upload: only for signed links, whose signature already names the key."""
    return (await session.scalars(select(Upload).where(Upload.key == key))).first()


async def servable(session: AsyncSession, key: str) -> Upload | None:
    """The upload if its link may still be answered: stored, and either never attached yet (a fresh upload)
    or still carried by its own note, which is not deleted."""
    statement = select(Upload).where(
        Upload.key == key,
        Upload.status == UploadStatus.STORED,
        or_(_never_attached(), _carried_by_its_live_note()),
    )
    return (await session.scalars(statement)).first()


def _stale(unattached_before: datetime, orphaned_before: datetime) -> ColumnElement[bool]:
    never_attached = and_(Upload.attached_at.is_(None), Upload.created_at < unattached_before)
    # Attached once, now on no live note (deleted, or dropped by an edit). attached_at is refreshed by every
    # attach, so an attach that races the clean-up moves the row out of this condition.
    orphaned = and_(Upload.attached_at < orphaned_before, ~_carried_by_its_live_note())
    return or_(never_attached, orphaned)


async def stale_ids(
    session: AsyncSession, *, unattached_before: datetime, orphaned_before: datetime, after_id: int, limit: int
) -> list[int]:
    statement = (
        select(Upload.id)
        .where(Upload.id > after_id, _stale(unattached_before, orphaned_before))
        .order_by(Upload.id)
        .limit(limit)
    )
    return list(await session.scalars(statement))


async def delete_if_stale(
    session: AsyncSession, upload_id: int, *, unattached_before: datetime, orphaned_before: datetime
) -> tuple[str, bool] | None:
    """Delete the row if it is still stale; (key, was it ever attached) or None when it was taken meanwhile."""
    statement = (
        delete(Upload)
        .where(Upload.id == upload_id, _stale(unattached_before, orphaned_before))
        .returning(Upload.key, Upload.attached_at)
    )
    row = (await session.execute(statement)).first()
    return (row[0], row[1] is not None) if row else None
