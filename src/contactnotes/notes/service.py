"""Note use cases: the one door every write goes through, whichever dialect, the CLI or tests call it."""

from __future__ import annotations

import dataclasses
from typing import Any

import emoji as emoji_lib
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.attachments import service as attachments
from contactnotes.attachments.files import Files
from contactnotes.attachments.schemas import AttachmentIn, AttachmentView
from contactnotes.auth.principal import Principal
from contactnotes.contacts import service as contacts
from contactnotes.contacts.schemas import ContactSummary
from contactnotes.errors import FieldProblem, Forbidden, Invalid, NotFound, Unprocessable
from contactnotes.jobs.events import EventType
from contactnotes.jobs.queue import Event, enqueue
from contactnotes.kit.clock import utc_now
from contactnotes.kit.emoji_forms import canonical_emoji
from contactnotes.kit.ids import new_oid
from contactnotes.kit.unset import Unset
from contactnotes.models import Note
from contactnotes.notes import create_repository, history_repository, mentions, repository, snapshots
from contactnotes.notes.mentions import handles_in
from contactnotes.notes.schemas import (
    MAX_ATTACHMENTS,
    MAX_CONTACTS,
    MAX_DISTINCT_EMOJI,
    MAX_MENTIONS,
    MAX_NOTE_LENGTH,
    MAX_TIME_SPENT_MINUTES,
    NoteCreate,
    NotePage,
    NoteSort,
    NoteUpdate,
    NoteView,
)
from contactnotes.notes.snapshots import EventSnapshot
from contactnotes.orgs import service as orgs
from contactnotes.reminders import service as reminders
from contactnotes.users import repository as users_repository
from contactnotes.users.repository import Member
from contactnotes.users.schemas import UserSummary

NOT_FOUND = "Contact note not found"
# The note's own columns an edit may change, which each revision keeps (docs/data.md).
VERSIONED_FIELDS = ("body", "type", "important", "is_private", "time_spent_minutes", "note_date")


def _check_body(body: str) -> None:
    if len(body) > MAX_NOTE_LENGTH:
        raise Invalid.field("body", f"A note has at most {MAX_NOTE_LENGTH} characters", "TOO_LONG")


def _check_time_spent(minutes: int | None) -> None:
    if minutes is not None and not 0 <= minutes <= MAX_TIME_SPENT_MINUTES:
        raise Invalid.field("time_spent", f"Time spent is in minutes, from 0 to {MAX_TIME_SPENT_MINUTES}")


def _check_attachments(attachments: list[AttachmentIn]) -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        raise Invalid.field("attachments", f"A note has at most {MAX_ATTACHMENTS} attachments", "TOO_MANY")


def _check_max_mentions(mention_oids: list[str]) -> None:
    if len(mention_oids) > MAX_MENTIONS:
        raise Invalid.field("mentions", f"A note mentions at most {MAX_MENTIONS} users", "TOO_MANY")


async def _resolve_mentions(
    session: AsyncSession, principal: Principal, body: str, mention_oids: list[str], *, is_private: bool
) -> list[Member]:
    _check_max_mentions(mention_oids)
    handles = handles_in(body)
    found = await users_repository.find_by_oids_or_handles(session, principal.org_id, mention_oids, handles)
    return _mentioned(principal, found, mention_oids, handles, is_private=is_private)


def _mentioned(
    principal: Principal, found: list[Member], mention_oids: list[str], handles: list[str], *, is_private: bool
) -> list[Member]:
    """Users mentioned by id and by @handle in the body, of the members `found` by either. Ids must name
    members; handles that name nobody are ordinary text. A private note cannot mention anyone but its author."""
    by_oid = {u.oid: u for u in found}
    problems = [
        FieldProblem(f"mentions[{i}]", f"{oid!r} is not a user of this organization", "UNKNOWN_USER")
        for i, oid in enumerate(mention_oids)
        if oid not in by_oid
    ]
    if problems:
        raise Invalid(problems[0].message, problems)
    mentioned: dict[int, Member] = {}
    for oid in mention_oids:
        mentioned.setdefault(by_oid[oid].id, by_oid[oid])
    wanted_handles = {handle.lower() for handle in handles}
    for user in found:
        if user.handle in wanted_handles:
            mentioned.setdefault(user.id, user)
    if len(mentioned) > MAX_MENTIONS:
        # Without ids the @handles of the body are all at fault, and the body is the field every dialect has.
        field = "mentions" if mention_oids else "body"
        raise Invalid.field(field, f"A note mentions at most {MAX_MENTIONS} users (by id and @handle)", "TOO_MANY")
    if is_private:
        hidden = [u for u in mentioned.values() if u.id != principal.user_id]
        if hidden:
            raise Invalid.field(
                "mentions",
                f"@{hidden[0].handle} cannot see a private note; make it public or remove the mention",
                "CANNOT_SEE",
            )
    return list(mentioned.values())


def _contacts_problem(message: str, code: str, field: str = "contacts") -> Unprocessable:
    return Unprocessable(message, [FieldProblem(field, message, code)])


async def _linked_contacts(
    session: AsyncSession, principal: Principal, primary: ContactSummary, refs: list[int | str] | None
) -> list[ContactSummary]:
    """Every contact a note is to be about, the primary one first: `refs` is the full set the caller sent
    (None: the primary contact alone). The set must hold the primary contact, so a note never loses it, and
    at least that one. A ref that names no contact of the caller's organization is refused the same way
    whether it exists elsewhere or not."""
    if refs is None:
        return [primary]
    if not refs:
        message = "A note is about at least one contact (the last one cannot be unlinked)"
        raise _contacts_problem(message, "LAST_CONTACT")
    if len(refs) > MAX_CONTACTS:
        raise _contacts_problem(f"A note is about at most {MAX_CONTACTS} contacts", "TOO_MANY")
    found = await contacts.find_summaries(session, principal.org_id, refs)
    for i, ref in enumerate(refs):
        if ref not in found:
            raise _contacts_problem(
                f"{ref!r} is not a contact of this organization", "UNKNOWN_CONTACT", f"contacts[{i}]"
            )
    linked = {c.id: c for c in (found[ref] for ref in refs)}  # in the order sent, each once
    if primary.id not in linked:
        raise _contacts_problem(
            "The contacts must include the note's primary contact, which cannot be unlinked", "NO_PRIMARY"
        )
    return [primary, *(c for c in linked.values() if c.id != primary.id)]


def _summary(user: Member) -> UserSummary:
    return UserSummary(user.id, user.oid, user.full_name, user.email, user.avatar_url)


def _snapshot(view: NoteView) -> dict[str, Any]:
    """The note as this change leaves it, for the change's event (notes/snapshots.py)."""
    return snapshots.dump(EventSnapshot(note=view))


def _author(principal: Principal) -> UserSummary:
    return UserSummary(
        principal.user_id, principal.user_oid, principal.full_name, principal.email, principal.avatar_url
    )


async def create_note(session: AsyncSession, principal: Principal, data: NoteCreate) -> NoteView:
    """The hottest write: one read and, without attachments or a reminder, one write (create_repository)."""
    _check_body(data.body)
    _check_time_spent(data.time_spent_minutes)
    _check_attachments(data.attachments)
    handles = handles_in(data.body)
    found = await create_repository.lookup_for_create(session, principal.org_id, data.contact, data.mentions, handles)
    if found.contact is None:
        raise NotFound(contacts.CONTACT_NOT_FOUND)
    contact = found.contact
    linked = await _linked_contacts(session, principal, contact, data.contacts)
    attached = await attachments.attachments_for_note(session, principal, data.attachments)
    note_type = await orgs.resolve_note_type(session, principal.org_id, data.type)
    _check_max_mentions(data.mentions)
    mentioned = _mentioned(principal, found.members, data.mentions, handles, is_private=data.is_private)
    now = utc_now()
    note = Note(
        id=found.note_id,
        oid=new_oid(),
        org_id=principal.org_id,
        contact_id=contact.id,
        author_id=principal.user_id,
        modified_by_id=principal.user_id,
        body=data.body,
        type=note_type,
        important=data.important,
        is_private=data.is_private,
        time_spent_minutes=data.time_spent_minutes,
        note_date=data.note_date or now,
        created_at=now,
        updated_at=now,
        is_edited=False,
    )
    # Attachments, a reminder and contacts beyond the primary are rows that refer to the note: then the note
    # is written first (the primary contact's link is the database's own, on insert).
    note_first = bool(attached) or data.reminder is not None or len(linked) > 1
    reminder = None
    if note_first:
        await repository.add_note(session, note)
        await repository.link_contacts(session, note.id, principal.org_id, [c.id for c in linked[1:]])
        await repository.replace_attachments(session, note.id, attached, existing=False)
        await attachments.bind_to_note(session, principal, attached, note.id)
        reminder = await reminders.set_for_note(session, principal, note, data.reminder) if data.reminder else None
    author = _author(principal)
    # Built from what is in hand rather than read back: the create path is the hottest write.
    view = NoteView(
        id=note.id,
        oid=note.oid,
        contact=contact,
        author=author,
        modified_by=author,
        body=note.body,
        type=note.type,
        important=note.important,
        is_private=note.is_private,
        time_spent_minutes=note.time_spent_minutes,
        note_date=note.note_date,
        created_at=now,
        updated_at=now,
        is_edited=False,
        mentions=[_summary(u) for u in mentioned],
        attachments=[AttachmentView(a.key, a.name, a.size, a.content_type) for a in attached],
        reactions=[],
        reminder=reminder,
        contacts=linked,
    )
    created = Event(EventType.NOTE_CREATED, {"note_id": note.id, "actor_id": principal.user_id}, _snapshot(view))
    notices = mentions.mention_notices(principal, note=view, users=view.mentions, then=[created])
    await create_repository.write_created(
        session, note, mentioned=[u.id for u in mentioned], notified=notices.user_ids,
        notified_oids=notices.notification_oids, notified_at=notices.at, events=notices.events,
        note_written=note_first,
    )  # fmt: skip
    return view


def with_signed_links(files: Files, view: NoteView) -> NoteView:
    """The view with a fresh download link on each attachment, for a note read through the access check. Most
    notes have no files: they are returned as they are, since copying a view costs more than the rest."""
    if not view.attachments:
        return view
    return dataclasses.replace(view, attachments=attachments.sign_links(files, view.attachments))


async def _visible(session: AsyncSession, principal: Principal, ref: int | str, *, lock: bool = False) -> Note:
    fetch = repository.get_visible_for_update if lock else repository.get_visible
    note = await fetch(session, principal, ref)
    if note is None:
        raise NotFound(NOT_FOUND)
    return note


async def _view(session: AsyncSession, note: Note) -> NoteView:
    return (await repository.load_views(session, [note]))[0]


async def get_note(session: AsyncSession, principal: Principal, ref: int | str) -> NoteView:
    return await _view(session, await _visible(session, principal, ref))


async def list_notes(
    session: AsyncSession,
    principal: Principal,
    contact_ref: int | str,
    *,
    limit: int,
    offset: int = 0,
    cursor: str | None = None,
    sort: str = NoteSort.NOTE_DATE,
    descending: bool = True,
    important_only: bool = False,
) -> NotePage:
    """A page of a contact's notes the caller can see, with the total and a cursor for the next page."""
    contact = await contacts.get_contact_summary(session, principal.org_id, contact_ref)
    after = None
    total: int | None = None
    if cursor:
        decoded = repository.decode_cursor(cursor)
        if decoded is None:
            raise Invalid.field("cursor", "cursor is not one this service handed out", "INVALID_CURSOR")
        after, total = decoded
    notes = await repository.page_timeline(
        session,
        principal,
        contact.id,
        sort=sort,
        descending=descending,
        limit=limit + 1,
        offset=offset,
        after=after,
        important_only=important_only,
        with_total=total is None,
    )
    if total is None:  # a first page: counted in the same statement, unless the page is empty
        total = (
            notes[0].total
            if notes
            else await repository.count_timeline(session, principal, contact.id, important_only=important_only)
        )
    has_more = len(notes) > limit
    notes = notes[:limit]
    next_cursor = None
    if has_more:
        next_cursor = repository.encode_cursor(repository.sort_value(notes[-1], sort), notes[-1].id, total)
    return NotePage(await repository.views_of_rows(session, notes), total, next_cursor)


async def _check_same_contact(session: AsyncSession, principal: Principal, note: Note, ref: int | str) -> None:
    current = await contacts.get_contact(session, principal.org_id, note.contact_id)
    if ref not in (current.id, current.oid):
        raise Invalid.field("contact", "A note cannot be moved to another contact", "IMMUTABLE")


async def _relink(session: AsyncSession, principal: Principal, note: Note, refs: list[int | str]) -> None:
    """Make the note's contacts the set `refs` (its primary contact kept); the counters follow by trigger."""
    primary = await contacts.get_contact_summary(session, principal.org_id, note.contact_id)
    wanted = {c.id for c in (await _linked_contacts(session, principal, primary, refs))[1:]}
    current = set(await repository.linked_contact_ids(session, note.id))
    await repository.unlink_contacts(session, note.id, sorted(current - wanted))
    await repository.link_contacts(session, note.id, principal.org_id, sorted(wanted - current))


async def update_note(
    session: AsyncSession, principal: Principal, ref: int | str, data: NoteUpdate
) -> tuple[NoteView, list[int]]:
    """Apply the fields the caller sent. Returns the note and the ids of users newly mentioned."""
    note = await _visible(session, principal, ref, lock=True)
    if note.author_id != principal.user_id:
        raise Forbidden("Only the author can edit a note")
    return await apply_update(session, principal, note, data)


def versioned_state(note: Note) -> dict[str, Any]:
    """What a revision keeps of a note: its body and fields (not its files, mentions or reminder)."""
    return {name: getattr(note, name) for name in VERSIONED_FIELDS}


async def apply_update(
    session: AsyncSession, principal: Principal, note: Note, data: NoteUpdate
) -> tuple[NoteView, list[int]]:
    """update_note's work on a note its caller loaded with the access check and a row lock, and that the
    caller may change (the author; or an admin restoring a version, notes/history.py). An edit that changes
    the body or a field keeps the state before it as a revision."""
    before = versioned_state(note)
    if not isinstance(data.contact, Unset):
        await _check_same_contact(session, principal, note, data.contact)
    if not isinstance(data.contacts, Unset):
        await _relink(session, principal, note, data.contacts)
    now = utc_now()
    if not isinstance(data.body, Unset):
        _check_body(data.body)
        note.body = data.body
    if not isinstance(data.type, Unset):
        note.type = await orgs.resolve_note_type(session, principal.org_id, data.type)
    if not isinstance(data.important, Unset):
        note.important = data.important
    if not isinstance(data.is_private, Unset):
        note.is_private = data.is_private
    if not isinstance(data.reminder, Unset):
        await reminders.set_for_note(session, principal, note, data.reminder)
    elif note.is_private:
        await reminders.check_note_privacy(session, note)
    if not isinstance(data.time_spent_minutes, Unset):
        _check_time_spent(data.time_spent_minutes)
        note.time_spent_minutes = data.time_spent_minutes
    if not isinstance(data.note_date, Unset):
        note.note_date = data.note_date or note.created_at

    was_mentioned = set(await repository.mentioned_user_ids(session, note.id))
    mention_oids: list[str]
    if isinstance(data.mentions, Unset):
        # Mentions by id that the client did not restate are kept; handles are re-read from the new body.
        mention_oids = [u.oid for u in await users_repository.find_by_ids(session, principal.org_id, was_mentioned)]
    else:
        mention_oids = data.mentions
    mentioned = await _resolve_mentions(session, principal, note.body, mention_oids, is_private=note.is_private)
    after = {u.id for u in mentioned}
    await repository.remove_mentions(session, note.id, sorted(was_mentioned - after))
    added = [u.id for u in mentioned if u.id not in was_mentioned]
    await repository.add_mentions(session, note.id, added, now)

    if not isinstance(data.attachments, Unset):
        _check_attachments(data.attachments)
        attached = await attachments.attachments_for_note(session, principal, data.attachments, note_id=note.id)
        await repository.replace_attachments(session, note.id, attached, existing=True)
        await attachments.bind_to_note(session, principal, attached, note.id)

    if versioned_state(note) != before:
        await history_repository.add_revision(session, principal.org_id, note.id, principal.user_id, now, before)
    note.is_edited = True
    note.updated_at = now
    note.modified_by_id = principal.user_id
    await session.flush()
    view = await _view(session, note)
    updated = Event(EventType.NOTE_UPDATED, {"note_id": note.id, "actor_id": principal.user_id}, _snapshot(view))
    newly = [_summary(u) for u in mentioned if u.id not in was_mentioned]
    await mentions.notify_mentioned(session, principal, note=view, users=newly, then=[updated])
    return view, added


async def delete_note(session: AsyncSession, principal: Principal, ref: int | str) -> NoteView:
    """Soft delete: the note answers 404 from now on. The author or an organization admin may delete."""
    note = await _visible(session, principal, ref, lock=True)
    if note.author_id != principal.user_id and not principal.is_admin:
        raise Forbidden("Only the author or an organization admin can delete a note")
    view = await _view(session, note)
    note.deleted_at = utc_now()
    # A deleted note's history goes with it: its earlier bodies are not kept once the note is gone.
    await history_repository.delete_for_note(session, principal.org_id, note.id)
    await session.flush()
    # The note as it was: a webhook's note.deleted shows it; the stream tells only its ids, and no event
    # about this note is shown to anyone any more (notes/events.py).
    await enqueue(
        session, principal.org_id, EventType.NOTE_DELETED, snapshot=_snapshot(view),
        note_id=note.id, actor_id=principal.user_id,
    )  # fmt: skip
    return view


def _check_emoji(value: str) -> str:
    # One spelling per emoji, so "❤" and "❤️" are one reaction of a user, not two.
    value = canonical_emoji(value.strip())
    if not value or not emoji_lib.is_emoji(value):
        raise Invalid.field("emoji", "emoji must be exactly one emoji", "NOT_AN_EMOJI")
    return value


async def toggle_reaction(session: AsyncSession, principal: Principal, ref: int | str, emoji: str) -> NoteView:
    """The first call adds the caller's reaction, the same call again removes it."""
    emoji = _check_emoji(emoji)
    note = await _visible(session, principal, ref, lock=True)
    if await repository.reaction_exists(session, note.id, emoji, principal.user_id):
        await repository.remove_reaction(session, note.id, emoji, principal.user_id)
    else:
        present = await repository.distinct_emoji(session, note.id)
        if emoji not in present and len(present) >= MAX_DISTINCT_EMOJI:
            raise Invalid.field("emoji", f"A note carries at most {MAX_DISTINCT_EMOJI} different emoji", "TOO_MANY")
        await repository.add_reaction(session, note.id, emoji, principal.user_id, utc_now())
    view = await _view(session, note)
    await enqueue(
        session, principal.org_id, EventType.REACTION_TOGGLED, snapshot=_snapshot(view),
        note_id=note.id, actor_id=principal.user_id, emoji=emoji,
    )  # fmt: skip
    return view
