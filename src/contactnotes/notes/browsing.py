"""Reading notes the way a person browses them: a contact's timeline narrowed by filters, page after page,
and the organization's latest notes. Plain timelines take the one-statement path of service.list_notes."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.contacts import service as contacts
from contactnotes.contacts.schemas import ContactView
from contactnotes.errors import Invalid
from contactnotes.kit.search import contains_pattern
from contactnotes.notes import browsing_repository, repository, service
from contactnotes.notes.schemas import NoteView, TimelineFilter
from contactnotes.users import repository as users_repository


@dataclass(frozen=True, slots=True)
class TimelineSlice:
    items: list[NoteView]
    next_cursor: str | None


async def timeline(
    session: AsyncSession,
    principal: Principal,
    contact_ref: int | str,
    wanted: TimelineFilter,
    *,
    limit: int,
    cursor: str | None = None,
) -> TimelineSlice:
    """Newest first (by note date), `limit` notes after `cursor`, and the cursor of the next slice."""
    if wanted.is_empty:
        page = await service.list_notes(session, principal, contact_ref, limit=limit, cursor=cursor)
        return TimelineSlice(page.items, page.next_cursor)
    contact = await contacts.get_contact_summary(session, principal.org_id, contact_ref)
    after = None
    if cursor:
        decoded = repository.decode_cursor(cursor)
        if decoded is None:
            raise Invalid.field("cursor", "cursor is not one this service handed out", "INVALID_CURSOR")
        after = decoded[0]
    author_id = None
    if wanted.author is not None:
        found = await users_repository.find_by_oids(session, principal.org_id, [wanted.author])
        if not found:  # nobody of this organization wrote it
            return TimelineSlice([], None)
        author_id = found[0].id
    found_ids = await browsing_repository.filtered_timeline_ids(
        session, principal, contact.id, wanted, author_id=author_id, after=after, limit=limit + 1
    )
    next_cursor = None
    if len(found_ids) > limit:
        found_ids = found_ids[:limit]
        last_id, last_date = found_ids[-1]
        next_cursor = repository.encode_cursor(last_date, last_id)
    rows = await browsing_repository.views_by_ids(session, [note_id for note_id, _ in found_ids])
    return TimelineSlice(await repository.views_of_rows(session, rows), next_cursor)


async def latest(session: AsyncSession, principal: Principal, *, limit: int) -> list[NoteView]:
    """The organization's most recently written notes the caller can see, across contacts."""
    ids = await browsing_repository.latest_ids(session, principal, limit=limit)
    return await repository.views_of_rows(session, await browsing_repository.views_by_ids(session, ids))


@dataclass(frozen=True, slots=True)
class ContactActivity:
    contact: ContactView
    note_count: int  # notes the caller can see
    last_note_at: datetime | None


@dataclass(frozen=True, slots=True)
class ContactActivityPage:
    items: list[ContactActivity]
    next_cursor: str | None


def _contact_cursor(name: str, contact_id: int) -> str:
    raw = json.dumps([name, contact_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after_contact(cursor: str) -> tuple[str, int]:
    try:
        name, contact_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        # A forged id past 64 bits would fail as the statement is bound (a 500): refused here instead.
        if isinstance(name, str) and isinstance(contact_id, int) and 0 < contact_id < 2**63:
            return name, contact_id
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        pass
    raise Invalid.field("cursor", "cursor is not one this service handed out", "INVALID_CURSOR")


async def contacts_page(
    session: AsyncSession, principal: Principal, *, search: str | None, limit: int, cursor: str | None = None
) -> ContactActivityPage:
    """The caller's organization's contacts by name, with their note counts and latest note dates;
    `search` matches name or email anywhere, ignoring case."""
    search = (search or "").strip()
    rows = await browsing_repository.contacts_with_activity(
        session,
        principal,
        search_pattern=contains_pattern(search) if search else None,
        after=_after_contact(cursor) if cursor else None,
        limit=limit + 1,
    )
    next_cursor = _contact_cursor(rows[limit - 1].display_name, rows[limit - 1].id) if len(rows) > limit else None
    items = [
        ContactActivity(
            ContactView(row.id, row.oid, row.display_name, row.email, row.avatar_url, row.created_at),
            int(row.note_count),
            row.last_note_at,
        )
        for row in rows[:limit]
    ]
    return ContactActivityPage(items, next_cursor)
