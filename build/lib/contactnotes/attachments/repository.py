"""Every SQL statement about uploads. Caller-facing reads are scoped to the principal's organization."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.models import Note, NoteAttachment, Upload, UploadStatus


def _attached_to_live_note() -> ColumnElement[bool]:
    return exists(
        select(NoteAttachment.id)
        .join(Note, Note.id == NoteAttachment.note_id)
        .where(NoteAttachment.key == Upload.key, Note.org_id == Upload.org_id, Note.deleted_at.is_(None))
    )


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


async def mark_attached(session: AsyncSession, upload_ids: Sequence[int], at: datetime) -> None:
    if upload_ids:
        await session.execute(update(Upload).where(Upload.id.in_(upload_ids)).values(attached_at=at))


async def by_key(session: AsyncSession, key: str) -> Upload | None:
    """Any organization's upload: only for signed links, whose signature already names the key."""
    return (await session.scalars(select(Upload).where(Upload.key == key))).first()


async def servable(session: AsyncSession, key: str) -> Upload | None:
    """The upload if its link may still be answered: stored, and either never attached yet (a fresh upload)
    or attached to a note that is not deleted."""
    statement = select(Upload).where(
        Upload.key == key,
        Upload.status == UploadStatus.STORED,
        or_(Upload.attached_at.is_(None), _attached_to_live_note()),
    )
    return (await session.scalars(statement)).first()


def _stale(unattached_before: datetime, orphaned_before: datetime) -> ColumnElement[bool]:
    never_attached = and_(Upload.attached_at.is_(None), Upload.created_at < unattached_before)
    # Attached once, now on no live note (deleted, or dropped by an edit). attached_at is refreshed by every
    # attach, so an attach that races the clean-up moves the row out of this condition.
    orphaned = and_(Upload.attached_at < orphaned_before, ~_attached_to_live_note())
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
