"""SQL shared by both index implementations, and the file-text bookkeeping. Every read of notes goes
through the one visibility rule (visibility.visible) for the caller's organization."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, false, func, insert, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.db.core import table_of
from contactnotes.models import FileText, NoteAttachment, NoteMention, Upload
from contactnotes.notes import view_rows
from contactnotes.search.schemas import IndexHit, Resolved
from contactnotes.visibility import visible

notes = view_rows.notes
note_attachments = table_of(NoteAttachment)
note_mentions = table_of(NoteMention)
file_texts = table_of(FileText)
uploads = table_of(Upload)


def _day_start(day: Any) -> datetime:
    return datetime.combine(day, time(), UTC)


def filter_conditions(filters: Resolved) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if filters.author_ids is not None:
        found.append(notes.c.author_id.in_(filters.author_ids) if filters.author_ids else false())
    for name in filters.types:
        found.append(func.lower(notes.c.type) == name.lower())
    if filters.contact_ids is not None:
        # Any contact the note is about, its primary one included (note_contacts holds both).
        links = view_rows.note_contacts
        linked = exists().where(links.c.note_id == notes.c.id, links.c.contact_id.in_(filters.contact_ids))
        found.append(linked if filters.contact_ids else false())
    if filters.important:
        found.append(notes.c.important.is_(True))
    if filters.private:  # with the visibility rule: the caller's own private notes only
        found.append(notes.c.is_private.is_(True))
    if filters.has_file:
        found.append(exists().where(note_attachments.c.note_id == notes.c.id))
    if filters.mentions_user_id is not None:
        found.append(
            exists().where(note_mentions.c.note_id == notes.c.id, note_mentions.c.user_id == filters.mentions_user_id)
        )
    if filters.before is not None:
        found.append(notes.c.note_date < _day_start(filters.before))
    if filters.after is not None:
        found.append(notes.c.note_date >= _day_start(filters.after))
    return found


def newest_first(
    principal: Principal,
    filters: Resolved,
    matching: Sequence[ColumnElement[bool]],
    *,
    limit: int,
    after: tuple[datetime, int] | None,
) -> Select[Any]:
    """Visible notes that pass the filters and every `matching` condition, newest note date first."""
    statement = select(notes.c.id, notes.c.note_date).where(
        visible(principal.org_id, principal.user_id), *filter_conditions(filters), *matching
    )
    if after is not None:
        statement = statement.where(tuple_(notes.c.note_date, notes.c.id) < tuple_(*after))
    return statement.order_by(notes.c.note_date.desc(), notes.c.id.desc()).limit(limit)


async def run(session: AsyncSession, statement: Select[Any]) -> list[IndexHit]:
    return [IndexHit(row.id, row.note_date) for row in await session.execute(statement)]


async def files_of(session: AsyncSession, note_ids: Sequence[int]) -> dict[int, list[tuple[str, str, str]]]:
    """(name, key, extracted text) of each note's files, in attachment order. The notes are hits the caller
    may see (the service checked), so no organization is needed here."""
    if not note_ids:
        return {}
    statement = (
        select(note_attachments.c.note_id, note_attachments.c.name, note_attachments.c.key, file_texts.c.content)
        .select_from(note_attachments.outerjoin(file_texts, file_texts.c.key == note_attachments.c.key))
        .where(note_attachments.c.note_id.in_(note_ids))
        .order_by(note_attachments.c.note_id, note_attachments.c.position)
    )
    found: dict[int, list[tuple[str, str, str]]] = {}
    for row in await session.execute(statement):
        found.setdefault(row.note_id, []).append((row.name, row.key, row.content or ""))
    return found


async def bodies_of(session: AsyncSession, note_ids: Sequence[int]) -> dict[int, str]:
    """The bodies of notes the index found for the caller (already within what it may see)."""
    if not note_ids:
        return {}
    rows = await session.execute(select(notes.c.id, notes.c.body).where(notes.c.id.in_(note_ids)))
    return {row.id: row.body for row in rows}


# ---- file text ----------------------------------------------------------------------------------------


async def attachments_without_text(session: AsyncSession, note_id: int) -> list[tuple[str, str, int, int]]:
    """(key, content type, org id, size) of the note's files that no extraction has been tried for. Called by the
    worker with a note id from an outbox event (ids only, re-read here)."""
    statement = (
        select(uploads.c.key, uploads.c.content_type, uploads.c.org_id, uploads.c.size)
        .select_from(note_attachments.join(uploads, uploads.c.key == note_attachments.c.key))
        .where(
            note_attachments.c.note_id == note_id,
            ~exists().where(file_texts.c.key == note_attachments.c.key),
        )
        .distinct()
    )
    return [(row.key, row.content_type, row.org_id, row.size) for row in await session.execute(statement)]


async def keys_without_text(session: AsyncSession, *, after_key: str, limit: int) -> list[tuple[str, str, int, int]]:
    """Attached files of every organization with no extraction tried yet (the reindex), by key."""
    statement = (
        select(uploads.c.key, uploads.c.content_type, uploads.c.org_id, uploads.c.size)
        .select_from(note_attachments.join(uploads, uploads.c.key == note_attachments.c.key))
        .where(uploads.c.key > after_key, ~exists().where(file_texts.c.key == uploads.c.key))
        .distinct()
        .order_by(uploads.c.key)
        .limit(limit)
    )
    return [(row.key, row.content_type, row.org_id, row.size) for row in await session.execute(statement)]


async def save_file_text(session: AsyncSession, key: str, org_id: int, status: str, content: str) -> None:
    """Record an extraction's outcome. Triggers put the text into the search index of every note carrying
    the key. A concurrent worker that got there first wins; this one's identical result is dropped."""
    values = {"key": key, "org_id": org_id, "status": status, "content": content, "extracted_at": datetime.now(UTC)}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        await session.execute(pg_insert(file_texts).values(values).on_conflict_do_nothing())
    else:
        await session.execute(insert(file_texts).values(values).prefix_with("OR IGNORE"))


async def forget_failed_files(session: AsyncSession) -> int:
    """Drop the outcome of extractions that found nothing to read, so a reindex tries them again."""
    result = await session.execute(file_texts.delete().where(file_texts.c.status != "ok"))
    return int(getattr(result, "rowcount", 0) or 0)


# ---- rebuilding the index ---------------------------------------------------------------------------

_REINDEX_POSTGRESQL = text(
    "UPDATE notes SET search_vector = contactnotes_note_vector(body, id) WHERE id > :low AND id <= :high"
)
# FTS5: drop the batch's rows and write them again from the notes and their files (migration 0015's columns).
_REINDEX_SQLITE_DELETE = text("DELETE FROM notes_fts WHERE rowid > :low AND rowid <= :high")
_REINDEX_SQLITE_INSERT = text(
    """INSERT INTO notes_fts (rowid, body, files)
    SELECT n.id, n.body, (SELECT coalesce(group_concat(a.name || ' ' || coalesce(f.content, ''), ' '), '')
        FROM note_attachments a LEFT JOIN file_texts f ON f.key = a.key WHERE a.note_id = n.id)
    FROM notes n WHERE n.id > :low AND n.id <= :high"""
)


async def note_id_range(session: AsyncSession) -> tuple[int, int]:
    """(how many notes, the highest id): what a rebuild walks, every organization's."""
    row = (await session.execute(select(func.count(), func.coalesce(func.max(notes.c.id), 0)))).one()
    return int(row[0]), int(row[1])


async def reindex_notes(session: AsyncSession, low: int, high: int) -> int:
    """Rebuild the index entries of the notes with low < id <= high; returns how many notes that was."""
    bounds = {"low": low, "high": high}
    if session.get_bind().dialect.name == "postgresql":
        result = await session.execute(_REINDEX_POSTGRESQL, bounds)
    else:
        await session.execute(_REINDEX_SQLITE_DELETE, bounds)
        result = await session.execute(_REINDEX_SQLITE_INSERT, bounds)
    return int(getattr(result, "rowcount", 0) or 0)
