"""SQL for browsing notes beyond one plain timeline page: filtered timelines and the organization's latest
notes. Both find a page of ids under the visibility rule, then read whole views with view_rows.by_ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, cast, exists, false, func, or_, select, tuple_, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.db.functions import fold
from contactnotes.db.types import UTCDateTime
from contactnotes.kit.search import LIKE_ESCAPE
from contactnotes.notes import view_rows
from contactnotes.notes.schemas import TimelineFilter
from contactnotes.visibility import visible

_notes = view_rows.notes


async def filtered_timeline_ids(
    session: AsyncSession,
    principal: Principal,
    contact_id: int,
    wanted: TimelineFilter,
    *,
    author_id: int | None,
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[tuple[int, datetime]]:
    """(id, note_date) of a page of a contact's visible notes matching `wanted`, newest first, after a
    keyset position. `author_id` is `wanted.author` already resolved in the caller's organization."""
    statement = select(_notes.c.id, _notes.c.note_date).where(visible(principal.org_id, principal.user_id))
    if wanted.type is not None:
        statement = statement.where(_notes.c.type == wanted.type)
    if wanted.author is not None:
        statement = statement.where(_notes.c.author_id == author_id)
    if wanted.important:
        statement = statement.where(_notes.c.important.is_(True))
    if wanted.has_files:
        attachments = view_rows.note_attachments
        statement = statement.where(exists().where(attachments.c.note_id == _notes.c.id))
    if wanted.date_from is not None:
        statement = statement.where(_notes.c.note_date >= wanted.date_from)
    if wanted.date_to is not None:
        statement = statement.where(_notes.c.note_date < wanted.date_to)
    if after is not None:
        statement = statement.where(tuple_(_notes.c.note_date, _notes.c.id) < tuple_(*after))
    # The notes whose primary contact it is, and those linked to it besides (view_rows.about_contact).
    found = view_rows.about_contact(statement, contact_id, ["note_date", "id"], True, limit)
    newest = found.order_by(found.selected_columns.note_date.desc(), found.selected_columns.id.desc()).limit(limit)
    return [(row.id, row.note_date) for row in await session.execute(newest)]


async def latest_ids(session: AsyncSession, principal: Principal, *, limit: int) -> list[int]:
    """The organization's most recently written notes the caller can see (ix_notes_org_recent)."""
    statement = (
        select(_notes.c.id)
        .where(visible(principal.org_id, principal.user_id))
        .order_by(_notes.c.created_at.desc(), _notes.c.id.desc())
        .limit(limit)
    )
    return list(await session.scalars(statement))


async def views_by_ids(session: AsyncSession, ids: list[int]) -> list[Any]:
    """View rows of notes already known to be visible, in the order of `ids`."""
    if not ids:
        return []
    dialect = session.get_bind().dialect.name
    rows = {row.id: row for row in await session.execute(view_rows.by_ids(dialect), {"ids": ids})}
    return [rows[i] for i in ids if i in rows]


async def contacts_with_activity(
    session: AsyncSession,
    principal: Principal,
    *,
    search_pattern: str | None,
    after: tuple[str, int] | None,
    limit: int,
) -> list[Any]:
    """A page of the organization's contacts by name (keyset on name and id: the same cost on any page),
    each with how many of its notes the caller can see and the latest one's date. `search_pattern` is a
    LIKE pattern (kit.search.contains_pattern) matched against the name and email, ignoring case."""
    contacts, counts = view_rows.contacts, view_rows.note_counts
    public = (
        select(func.coalesce(func.sum(counts.c.public_notes), 0))
        .where(counts.c.contact_id == contacts.c.id)
        .scalar_subquery()
    )
    links = view_rows.note_contacts
    mine_private = (_notes.c.author_id == principal.user_id, _notes.c.is_private, _notes.c.deleted_at.is_(None))
    own_private = (
        select(func.count()).select_from(_notes).where(_notes.c.contact_id == contacts.c.id, *mine_private)
    ).scalar_subquery()
    # Notes linked to the contact besides their primary one count and date it too (migration 0018).
    linked_to_it = (links.c.contact_id == contacts.c.id, links.c.is_primary == false())
    own_linked = (
        select(func.count())
        .select_from(links.join(_notes, _notes.c.id == links.c.note_id))
        .where(*linked_to_it, *mine_private)
        .scalar_subquery()
    )
    seen = visible(principal.org_id, principal.user_id)
    last_primary = (
        select(func.max(_notes.c.note_date)).where(seen, _notes.c.contact_id == contacts.c.id).scalar_subquery()
    )
    last_linked = (
        select(func.max(_notes.c.note_date))
        .select_from(links.join(_notes, _notes.c.id == links.c.note_id))
        .where(seen, *linked_to_it)
        .scalar_subquery()
    )
    # The later of the two, either may be NULL. PostgreSQL's greatest() skips NULLs; SQLite's max() does not, so
    # there each side falls back on the other (which runs each subquery twice: on PostgreSQL that doubled the
    # page's cost).
    if session.get_bind().dialect.name == "postgresql":
        last = func.greatest(last_primary, last_linked)
    else:
        last = func.max(func.coalesce(last_primary, last_linked), func.coalesce(last_linked, last_primary))
    statement = select(
        contacts.c.id,
        contacts.c.oid,
        contacts.c.display_name,
        contacts.c.email,
        contacts.c.avatar_url,
        contacts.c.created_at,
        cast(public + own_private + own_linked, BigInteger).label("note_count"),
        type_coerce(last, UTCDateTime()).label("last_note_at"),
    ).where(contacts.c.org_id == principal.org_id)
    if search_pattern:
        statement = statement.where(
            or_(
                fold(contacts.c.display_name).like(search_pattern, escape=LIKE_ESCAPE),
                fold(contacts.c.email).like(search_pattern, escape=LIKE_ESCAPE),
            )
        )
    if after is not None:
        statement = statement.where(tuple_(contacts.c.display_name, contacts.c.id) > tuple_(*after))
    statement = statement.order_by(contacts.c.display_name, contacts.c.id).limit(limit)
    return list((await session.execute(statement)).all())
