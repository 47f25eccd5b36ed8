"""Every SQL statement for notes' revisions (their edit history). Reads take the caller's organization."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.db.core import table_of
from contactnotes.kit.ids import new_oid
from contactnotes.models import NoteRevision

_INSERT = insert(table_of(NoteRevision))


async def add_revision(
    session: AsyncSession, org_id: int, note_id: int, edited_by_id: int, edited_at: datetime, state: dict[str, object]
) -> None:
    """The note's state before an edit. The caller holds the note's row lock (FOR UPDATE on PostgreSQL,
    SQLite's one writer), so the next number cannot be taken twice."""
    last = await session.scalar(
        select(func.max(NoteRevision.number)).where(NoteRevision.org_id == org_id, NoteRevision.note_id == note_id)
    )
    values = {
        "oid": new_oid(), "org_id": org_id, "note_id": note_id, "number": (last or 0) + 1,
        "edited_by_id": edited_by_id, "edited_at": edited_at, **state,
    }  # fmt: skip
    await session.execute(_INSERT, values)


async def count(session: AsyncSession, org_id: int, note_id: int) -> int:
    statement = select(func.count()).where(NoteRevision.org_id == org_id, NoteRevision.note_id == note_id)
    return int(await session.scalar(statement) or 0)


async def newest_first(
    session: AsyncSession, org_id: int, note_id: int, *, limit: int, offset: int
) -> list[NoteRevision]:
    statement = (
        select(NoteRevision)
        .where(NoteRevision.org_id == org_id, NoteRevision.note_id == note_id)
        .order_by(NoteRevision.number.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(await session.scalars(statement))


async def find(session: AsyncSession, org_id: int, note_id: int, oid: str) -> NoteRevision | None:
    statement = select(NoteRevision).where(
        NoteRevision.org_id == org_id, NoteRevision.note_id == note_id, NoteRevision.oid == oid
    )
    return (await session.scalars(statement)).first()


async def delete_for_note(session: AsyncSession, org_id: int, note_id: int) -> None:
    await session.execute(delete(NoteRevision).where(NoteRevision.org_id == org_id, NoteRevision.note_id == note_id))
