"""Every SQL statement for notes. Reads take the Principal and see only what it may see."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.attachments.schemas import StoredAttachment
from contactnotes.auth.principal import Principal
from contactnotes.db.core import table_of
from contactnotes.kit.clock import to_utc
from contactnotes.kit.ids import new_oid
from contactnotes.models import Note, NoteAttachment, NoteContact, NoteMention, NoteReaction
from contactnotes.notes import view_rows
from contactnotes.notes.schemas import NoteSort, NoteView
from contactnotes.reminders import repository as reminders_repository
from contactnotes.visibility import visible


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """Live notes of the caller's organization, minus other people's private notes."""
    return visible(principal.org_id, principal.user_id)


def _by_ref(ref: int | str) -> ColumnElement[bool]:
    return Note.id == ref if isinstance(ref, int) else Note.oid == ref


async def get_visible(session: AsyncSession, principal: Principal, ref: int | str) -> Note | None:
    statement = select(Note).where(visible_to(principal), _by_ref(ref))
    return (await session.scalars(statement)).first()


async def get_visible_for_update(session: AsyncSession, principal: Principal, ref: int | str) -> Note | None:
    # FOR UPDATE serializes concurrent edits of one note on PostgreSQL (SQLite ignores it: one writer).
    statement = select(Note).where(visible_to(principal), _by_ref(ref)).with_for_update()
    return (await session.scalars(statement)).first()


_NOTES_TABLE = table_of(Note)
_INSERT_NOTE = insert(_NOTES_TABLE).returning(_NOTES_TABLE.c.id)
_NOTE_FIELDS = [c.key for c in _NOTES_TABLE.c if c.key != "id"]


async def add_note(session: AsyncSession, note: Note) -> Note:
    """Insert a new note with one Core INSERT (a unit-of-work flush costs several times more), with the id
    it carries (create_repository.lookup_for_create took it) or a new one. The object stays outside the
    session, a value with its id."""
    if note.oid is None:
        note.oid = new_oid()
    values = {field: getattr(note, field) for field in _NOTE_FIELDS}
    if note.id is not None:
        values["id"] = note.id
    note.id = (await session.execute(_INSERT_NOTE, values)).scalar_one()
    return note


_INSERT_LINK = insert(table_of(NoteContact))


async def link_contacts(session: AsyncSession, note_id: int, org_id: int, contact_ids: Sequence[int]) -> None:
    """Link the note to contacts besides its primary one (which a trigger links: migration 0018)."""
    if contact_ids:
        await session.execute(
            _INSERT_LINK,
            [{"note_id": note_id, "contact_id": c, "org_id": org_id, "is_primary": False} for c in contact_ids],
        )


async def unlink_contacts(session: AsyncSession, note_id: int, contact_ids: Sequence[int]) -> None:
    """Remove links besides the primary one; never the primary contact's."""
    if contact_ids:
        await session.execute(
            delete(NoteContact).where(
                NoteContact.note_id == note_id,
                NoteContact.contact_id.in_(contact_ids),
                NoteContact.is_primary.is_(False),
            )
        )


async def linked_contact_ids(session: AsyncSession, note_id: int) -> list[int]:
    """The contacts a note is linked to besides its primary one (the caller has checked the note)."""
    statement = select(NoteContact.contact_id).where(NoteContact.note_id == note_id, NoteContact.is_primary.is_(False))
    return list(await session.scalars(statement))


_INSERT_MENTION = insert(table_of(NoteMention))


async def add_mentions(session: AsyncSession, note_id: int, user_ids: Sequence[int], at: datetime) -> None:
    if user_ids:
        await session.execute(
            _INSERT_MENTION, [{"note_id": note_id, "user_id": uid, "created_at": at} for uid in user_ids]
        )


async def remove_mentions(session: AsyncSession, note_id: int, user_ids: Sequence[int]) -> None:
    if user_ids:
        await session.execute(
            delete(NoteMention).where(NoteMention.note_id == note_id, NoteMention.user_id.in_(user_ids))
        )


async def mentioned_user_ids(session: AsyncSession, note_id: int) -> list[int]:
    statement = select(NoteMention.user_id).where(NoteMention.note_id == note_id)
    return list(await session.scalars(statement))


async def replace_attachments(
    session: AsyncSession, note_id: int, attachments: Sequence[StoredAttachment], *, existing: bool
) -> None:
    if existing:
        await session.execute(delete(NoteAttachment).where(NoteAttachment.note_id == note_id))
    if attachments:
        await session.execute(
            insert(NoteAttachment),
            [
                {
                    "note_id": note_id,
                    "position": position,
                    "key": item.key,
                    "name": item.name,
                    "size": item.size,
                    "content_type": item.content_type,
                }
                for position, item in enumerate(attachments)
            ],
        )


async def reaction_exists(session: AsyncSession, note_id: int, emoji: str, user_id: int) -> bool:
    statement = select(func.count()).where(
        NoteReaction.note_id == note_id, NoteReaction.emoji == emoji, NoteReaction.user_id == user_id
    )
    return bool(await session.scalar(statement))


async def distinct_emoji(session: AsyncSession, note_id: int) -> set[str]:
    statement = select(NoteReaction.emoji).where(NoteReaction.note_id == note_id).distinct()
    return set(await session.scalars(statement))


async def add_reaction(session: AsyncSession, note_id: int, emoji: str, user_id: int, at: datetime) -> None:
    await session.execute(insert(NoteReaction).values(note_id=note_id, emoji=emoji, user_id=user_id, created_at=at))


async def remove_reaction(session: AsyncSession, note_id: int, emoji: str, user_id: int) -> None:
    await session.execute(
        delete(NoteReaction).where(
            NoteReaction.note_id == note_id, NoteReaction.emoji == emoji, NoteReaction.user_id == user_id
        )
    )


# ---- timeline pages ---------------------------------------------------------------------------------


def encode_cursor(sort_value: datetime, note_id: int, total: int | None = None) -> str:
    """An opaque position after (sort_value, note_id). It carries the total counted on the first page, so
    later pages need no COUNT: walking a timeline of any length costs the same per page."""
    raw = json.dumps([sort_value.isoformat(), note_id, total], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _is_bigint(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


def decode_cursor(cursor: str) -> tuple[tuple[datetime, int], int | None] | None:
    """((sort_value, note_id), total) from a cursor, or None when it is not one this service made."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, note_id, *rest = json.loads(raw)
        parsed = datetime.fromisoformat(value)
        total = rest[0] if rest else None
        # A forged cursor may hold any JSON: an instant an offset pushes outside the calendar, or integers
        # past what the databases hold (BIGINT) would fail there, so they are no cursor this service made.
        moment = to_utc(parsed) if parsed.tzinfo is not None else None
        if moment is None or not _is_bigint(note_id) or len(rest) > 1:
            return None
        if total is not None and (not _is_bigint(total) or total < 0):
            return None
        return (moment, note_id), total
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        return None


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def count_timeline(
    session: AsyncSession, principal: Principal, contact_id: int, *, important_only: bool = False
) -> int:
    params = {"org_id": principal.org_id, "user_id": principal.user_id, "contact_id": contact_id}
    return int(await session.scalar(view_rows.timeline_count(important_only), params) or 0)


async def page_timeline(
    session: AsyncSession,
    principal: Principal,
    contact_id: int,
    *,
    sort: str = NoteSort.NOTE_DATE,
    descending: bool = True,
    limit: int,
    offset: int = 0,
    after: tuple[datetime, int] | None = None,
    important_only: bool = False,
    with_total: bool = False,
) -> list[Row[Any]]:
    """One page of a contact's notes as view rows (see view_rows): by offset, or by keyset after a cursor
    (same cost at any depth). `with_total`: each row also carries count_timeline's answer as `total`."""
    statement = view_rows.timeline(_dialect(session), sort, descending, after is not None, important_only, with_total)
    params: dict[str, Any] = {
        "org_id": principal.org_id,
        "user_id": principal.user_id,
        "contact_id": contact_id,
        "limit": limit,
    }
    if after is not None:
        params["after_value"], params["after_id"] = after
    else:
        params["offset"] = offset
        params["branch_limit"] = min(offset + limit, view_rows.MAX_BRANCH_ROWS)
    return list((await session.execute(statement, params)).all())


def sort_value(row: Row[Any], sort: str) -> datetime:
    value: datetime = getattr(row, sort)
    return value


# ---- assembling views -------------------------------------------------------------------------------


async def views_of_rows(session: AsyncSession, rows: Sequence[Row[Any]]) -> list[NoteView]:
    """NoteViews of view rows; reminders are read only for the notes that have one."""
    with_reminder = [row.id for row in rows if row.has_reminder]
    reminders = await reminders_repository.views_for_notes(session, with_reminder) if with_reminder else {}
    fields = rows[0]._fields if rows else ()
    return [view_rows.view_of(row, reminders.get(row.id), fields) for row in rows]


async def load_views(session: AsyncSession, notes: Sequence[Note]) -> list[NoteView]:
    """Views of notes already known to be visible, in their order, in one statement for any number."""
    if not notes:
        return []
    rows = await session.execute(view_rows.by_ids(_dialect(session)), {"ids": [note.id for note in notes]})
    by_id = {row.id: row for row in rows}
    return await views_of_rows(session, [by_id[note.id] for note in notes])


async def access_of(session: AsyncSession, note_ids: Sequence[int]) -> list[Row[Any]]:
    """What the visibility rule reads of these notes (visibility.can_see), whatever their state: for workers
    deciding whom they may tell about an event, never for requests."""
    return list((await session.execute(view_rows.access_of(), {"ids": list(note_ids)})).all())


async def get_by_id_any_state(session: AsyncSession, note_id: int) -> Note | None:
    """A note by id whatever its state (deleted, private): for workers telling about it, never for requests."""
    return await session.get(Note, note_id)


async def count_by_type(session: AsyncSession, org_id: int) -> dict[str, int]:
    """Live notes of the organization by type name (an admin's page: one grouped scan)."""
    statement = (
        select(Note.type, func.count()).where(Note.org_id == org_id, Note.deleted_at.is_(None)).group_by(Note.type)
    )
    return {name: int(count) for name, count in await session.execute(statement)}


async def retype(session: AsyncSession, org_id: int, old: str, new: str) -> int:
    """Every note of the organization of type `old` (deleted ones too) takes the type `new`."""
    result = await session.execute(
        update(Note)
        .where(Note.org_id == org_id, Note.type == old)
        .values(type=new)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
