"""Every SQL statement for notes. Reads take the Principal and see only what it may see."""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, delete, false, func, insert, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.kit.ids import new_oid
from contactnotes.models import Contact, Note, NoteAttachment, NoteMention, NoteReaction, User
from contactnotes.notes.schemas import (
    AttachmentIn,
    AttachmentView,
    ContactSummary,
    NoteSort,
    NoteView,
    ReactionGroup,
    UserSummary,
)
from contactnotes.reminders import repository as reminders_repository


class NoteRecord(Protocol):
    """A note's columns: a Note object, or a row selected with NOTE_COLUMNS."""

    @property
    def id(self) -> int: ...
    @property
    def oid(self) -> str: ...
    @property
    def contact_id(self) -> int: ...
    @property
    def author_id(self) -> int: ...
    @property
    def modified_by_id(self) -> int: ...
    @property
    def body(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def important(self) -> bool: ...
    @property
    def is_private(self) -> bool: ...
    @property
    def time_spent_minutes(self) -> int | None: ...
    @property
    def note_date(self) -> datetime: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def is_edited(self) -> bool: ...


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """Live notes of the caller's organization, minus other people's private notes."""
    return and_(
        Note.org_id == principal.org_id,
        Note.deleted_at.is_(None),
        or_(Note.is_private == false(), Note.author_id == principal.user_id),
    )


def _by_ref(ref: int | str) -> ColumnElement[bool]:
    return Note.id == ref if isinstance(ref, int) else Note.oid == ref


async def get_visible(session: AsyncSession, principal: Principal, ref: int | str) -> Note | None:
    statement = select(Note).where(visible_to(principal), _by_ref(ref))
    return (await session.scalars(statement)).first()


async def get_visible_for_update(session: AsyncSession, principal: Principal, ref: int | str) -> Note | None:
    # FOR UPDATE serializes concurrent edits of one note on PostgreSQL (SQLite ignores it: one writer).
    statement = select(Note).where(visible_to(principal), _by_ref(ref)).with_for_update()
    return (await session.scalars(statement)).first()


_NOTES_TABLE = Note.__table__
_INSERT_NOTE = insert(_NOTES_TABLE).returning(_NOTES_TABLE.c.id)  # type: ignore[arg-type]  # a Table
_NOTE_FIELDS = [c.key for c in _NOTES_TABLE.c if c.key != "id"]


async def add_note(session: AsyncSession, note: Note) -> Note:
    """Insert a new note with one Core INSERT (the create path is the hottest write; a unit-of-work flush
    cost several times more). The object stays outside the session, a value with its new id."""
    if note.oid is None:
        note.oid = new_oid()
    values = {field: getattr(note, field) for field in _NOTE_FIELDS}
    note.id = (await session.execute(_INSERT_NOTE, values)).scalar_one()
    return note


async def add_mentions(session: AsyncSession, note_id: int, user_ids: Sequence[int], at: datetime) -> None:
    if user_ids:
        await session.execute(
            insert(NoteMention), [{"note_id": note_id, "user_id": uid, "created_at": at} for uid in user_ids]
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
    session: AsyncSession, note_id: int, attachments: Sequence[AttachmentIn], *, existing: bool
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

_SORT_COLUMNS = {
    NoteSort.NOTE_DATE: Note.note_date,
    NoteSort.CREATED: Note.created_at,
    NoteSort.MODIFIED: Note.updated_at,
}


def encode_cursor(sort_value: datetime, note_id: int, total: int | None = None) -> str:
    """An opaque position after (sort_value, note_id). It carries the total counted on the first page, so
    later pages need no COUNT: walking a timeline of any length costs the same per page."""
    raw = json.dumps([sort_value.isoformat(), note_id, total], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[tuple[datetime, int], int | None] | None:
    """((sort_value, note_id), total) from a cursor, or None when it is not one this service made."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, note_id, *rest = json.loads(raw)
        parsed = datetime.fromisoformat(value)
        total = rest[0] if rest else None
        if parsed.tzinfo is None or not isinstance(note_id, int) or len(rest) > 1:
            return None
        if total is not None and (not isinstance(total, int) or total < 0):
            return None
        return (parsed, note_id), total
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        return None


# The columns a view needs, read as plain rows: building ORM objects for a page of notes cost more CPU
# than the database spent finding them. Rows answer the same attribute names as a Note (see NoteRecord).
NOTE_COLUMNS = tuple(Note.__table__.c)


def _timeline(principal: Principal, contact_id: int, important_only: bool) -> Select[Any]:
    statement = select(*NOTE_COLUMNS).where(visible_to(principal), Note.contact_id == contact_id)
    if important_only:
        statement = statement.where(Note.important.is_(True))
    return statement


async def count_timeline(
    session: AsyncSession, principal: Principal, contact_id: int, *, important_only: bool = False
) -> int:
    base = _timeline(principal, contact_id, important_only).with_only_columns(func.count())
    return int(await session.scalar(base) or 0)


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
) -> list[NoteRecord]:
    """One page of a contact's notes: by offset, or by keyset after a cursor (same cost at any depth)."""
    column = _SORT_COLUMNS[sort]
    statement = _timeline(principal, contact_id, important_only)
    if after is not None:
        key = tuple_(column, Note.id)
        bound = tuple_(literal(after[0], type_=column.type), literal(after[1], type_=Note.id.type))
        statement = statement.where(key < bound if descending else key > bound)
    order = (column.desc(), Note.id.desc()) if descending else (column.asc(), Note.id.asc())
    statement = statement.order_by(*order).limit(limit)
    if after is None and offset:
        statement = statement.offset(offset)
    return list((await session.execute(statement)).all())


def sort_value(note: NoteRecord, sort: str) -> datetime:
    value: datetime = getattr(note, sort)
    return value


# ---- assembling views -------------------------------------------------------------------------------


USER_SUMMARY_COLUMNS = (User.id, User.oid, User.full_name, User.email, User.avatar_url)
CONTACT_SUMMARY_COLUMNS = (Contact.id, Contact.oid, Contact.display_name, Contact.avatar_url)
ATTACHMENT_COLUMNS = (
    NoteAttachment.note_id,
    NoteAttachment.key,
    NoteAttachment.name,
    NoteAttachment.size,
    NoteAttachment.content_type,
)


def _user_summary(user: User) -> UserSummary:
    return UserSummary(user.id, user.oid, user.full_name, user.email, user.avatar_url)


async def user_summaries(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, UserSummary]:
    rows = await session.execute(select(*USER_SUMMARY_COLUMNS).where(User.id.in_(set(user_ids))))
    return {row[0]: UserSummary(*row) for row in rows}


async def load_views(
    session: AsyncSession, notes: Sequence[NoteRecord], *, contact: ContactSummary | None = None
) -> list[NoteView]:
    """Views of notes already known to be visible, with a fixed number of queries for any page size.
    `contact`, when every note is known to be that contact's (a timeline), saves looking it up again."""
    if not notes:
        return []
    note_ids = [note.id for note in notes]
    users = await user_summaries(session, {n.author_id for n in notes} | {n.modified_by_id for n in notes})
    if contact is not None and all(note.contact_id == contact.id for note in notes):
        contacts = {contact.id: contact}
    else:
        rows = await session.execute(
            select(*CONTACT_SUMMARY_COLUMNS).where(Contact.id.in_({note.contact_id for note in notes}))
        )
        contacts = {row[0]: ContactSummary(*row) for row in rows}

    mentions: dict[int, list[UserSummary]] = defaultdict(list)
    rows = await session.execute(
        select(NoteMention.note_id, *USER_SUMMARY_COLUMNS)
        .join(User, User.id == NoteMention.user_id)
        .where(NoteMention.note_id.in_(note_ids))
        .order_by(NoteMention.note_id, NoteMention.created_at, User.id)
    )
    for row in rows:
        mentions[row.note_id].append(UserSummary(row.id, row.oid, row.full_name, row.email, row.avatar_url))

    attachments: dict[int, list[AttachmentView]] = defaultdict(list)
    rows = await session.execute(
        select(*ATTACHMENT_COLUMNS)
        .where(NoteAttachment.note_id.in_(note_ids))
        .order_by(NoteAttachment.note_id, NoteAttachment.position)
    )
    for row in rows:
        attachments[row.note_id].append(AttachmentView(row.key, row.name, row.size, row.content_type))

    reactions = await _reaction_groups(session, note_ids)
    reminders = await reminders_repository.views_for_notes(session, note_ids)

    return [
        NoteView(
            id=note.id,
            oid=note.oid,
            contact=contacts[note.contact_id],
            author=users[note.author_id],
            modified_by=users[note.modified_by_id],
            body=note.body,
            type=note.type,
            important=note.important,
            is_private=note.is_private,
            time_spent_minutes=note.time_spent_minutes,
            note_date=note.note_date,
            created_at=note.created_at,
            updated_at=note.updated_at,
            is_edited=note.is_edited,
            mentions=mentions.get(note.id, []),
            attachments=attachments.get(note.id, []),
            reactions=reactions.get(note.id, []),
            reminder=reminders.get(note.id),
        )
        for note in notes
    ]


async def _reaction_groups(session: AsyncSession, note_ids: list[int]) -> dict[int, list[ReactionGroup]]:
    """Reactions per note as [{emoji, users}]: emoji by first reaction, users in the order they reacted."""
    rows = await session.execute(
        select(NoteReaction.note_id, NoteReaction.emoji, User.oid)
        .join(User, User.id == NoteReaction.user_id)
        .where(NoteReaction.note_id.in_(note_ids))
        .order_by(NoteReaction.note_id, NoteReaction.created_at, NoteReaction.user_id)
    )
    grouped: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for note_id, emoji, user_oid in rows:
        grouped[note_id].setdefault(emoji, []).append(user_oid)
    return {
        note_id: [ReactionGroup(emoji, users) for emoji, users in by_emoji.items()]
        for note_id, by_emoji in grouped.items()
    }


async def get_by_id_any_state(session: AsyncSession, note_id: int) -> Note | None:
    """A note by id whatever its state (deleted, private): for workers telling about it, never for requests."""
    return await session.get(Note, note_id)
