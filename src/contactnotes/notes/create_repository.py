"""The SQL of creating a note: the hottest write, in as few round trips as the database allows.

A create reads once (the contact, the users it mentions, and the new note's id) and writes once: on
PostgreSQL the note, its mentions, the mentioned users' inbox rows and the outbox events go in one statement
of data-modifying CTEs. On this stack each statement costs the application more CPU than the database spends
on it, so one statement instead of five is most of what a create costs (bench/results/2026-11-29-pg.md).
Foreign keys between the CTEs' rows are checked at the end of the statement, when all of them exist. SQLite
has no data-modifying CTEs: there the same rows are written one statement per table, as before.

The note's id is taken before the write (PostgreSQL: the sequence; SQLite: the next rowid, under the write
lock every SQLite transaction takes at BEGIN), so the events' snapshots, built before the write, carry it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import orjson
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Select,
    String,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.contacts.schemas import ContactSummary
from contactnotes.db.core import table_of
from contactnotes.jobs.queue import Event, enqueue_many, outbox_rows
from contactnotes.models import Contact, Note, NotificationKind, User
from contactnotes.notes import repository
from contactnotes.notifications import repository as notifications_repository
from contactnotes.users.repository import Member

_notes, _contacts, _users = table_of(Note), table_of(Contact), table_of(User)


@dataclass(frozen=True, slots=True)
class CreateLookup:
    contact: ContactSummary | None  # None: no such contact in the organization
    members: list[Member]  # the organization's users named by id or by @handle
    note_id: int  # the new note's id, taken now (a create that then fails leaves a gap, as sequences do)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


@cache
def _lookup(dialect: str, by_oid: bool) -> Select[Any]:
    """One statement, three kinds of rows: the next note id, the contact (if it is the organization's), and
    the members named by id or handle."""
    text_null = cast(null(), String)
    if dialect == "postgresql":
        next_id: Any = literal_column("nextval(pg_get_serial_sequence('notes', 'id'))")
        named = (_users.c.oid == any_(bindparam("oids", type_=ARRAY(String)))) | (
            _users.c.handle == any_(bindparam("handles", type_=ARRAY(String)))
        )
    else:
        next_id = select(func.coalesce(func.max(_notes.c.id), 0) + 1).scalar_subquery()
        named = _users.c.oid.in_(bindparam("oids", expanding=True)) | _users.c.handle.in_(
            bindparam("handles", expanding=True)
        )
    contact_key = _contacts.c.oid if by_oid else _contacts.c.id
    reserved: Any = select(
        literal_column("'note'").label("kind"), cast(next_id, BigInteger).label("id"), text_null.label("oid"),
        text_null.label("name"), text_null.label("email"), text_null.label("avatar_url"), text_null.label("handle"),
    )  # fmt: skip
    contact = select(
        literal_column("'contact'"), _contacts.c.id, _contacts.c.oid, _contacts.c.display_name, text_null,
        _contacts.c.avatar_url, text_null,
    ).where(_contacts.c.org_id == bindparam("org_id"), contact_key == bindparam("ref"))  # fmt: skip
    members = select(
        literal_column("'member'"), _users.c.id, _users.c.oid, _users.c.full_name, _users.c.email, _users.c.avatar_url,
        _users.c.handle,
    ).where(_users.c.org_id == bindparam("org_id"), named)  # fmt: skip
    return union_all(reserved, contact, members)  # type: ignore[return-value]


async def lookup_for_create(
    session: AsyncSession, org_id: int, contact_ref: int | str, oids: Sequence[str], handles: Sequence[str]
) -> CreateLookup:
    """What a new note needs to know, in one round trip (scoped to the organization)."""
    params = {
        "org_id": org_id,
        "ref": contact_ref,
        "oids": list(set(oids)),
        "handles": list({handle.lower() for handle in handles}),
    }
    statement = _lookup(_dialect(session), isinstance(contact_ref, str))
    note_id, contact, members = 0, None, []
    for kind, id_, oid, name, email, avatar_url, handle in await session.execute(statement, params):
        if kind == "note":
            note_id = id_
        elif kind == "contact":
            contact = ContactSummary(id_, oid, name, avatar_url)
        else:
            members.append(Member(id_, oid, name, email, avatar_url, handle))
    return CreateLookup(contact, members, note_id)


_NOTE_CTE = """note AS (
    INSERT INTO notes (id, oid, org_id, contact_id, author_id, modified_by_id, body, type, important, is_private,
                       time_spent_minutes, note_date, created_at, updated_at, is_edited)
    VALUES (:id, :oid, :org_id, :contact_id, :author_id, :modified_by_id, :body, :type, :important, :is_private,
            :time_spent_minutes, :note_date, :created_at, :updated_at, :is_edited)
), """
_REST = """mentions AS (
    INSERT INTO note_mentions (note_id, user_id, created_at)
    SELECT CAST(:id AS BIGINT), user_id, CAST(:created_at AS TIMESTAMPTZ)
    FROM unnest(CAST(:mentioned AS BIGINT[])) AS m(user_id)
), inbox AS (
    INSERT INTO notifications (oid, org_id, user_id, kind, actor_id, note_id, contact_id, created_at)
    SELECT oid, CAST(:org_id AS BIGINT), user_id, CAST(:kind AS VARCHAR), CAST(:author_id AS BIGINT),
           CAST(:id AS BIGINT), CAST(:contact_id AS BIGINT), CAST(:notified_at AS TIMESTAMPTZ)
    FROM unnest(CAST(:notified_oids AS VARCHAR[]), CAST(:notified AS BIGINT[])) AS n(oid, user_id)
)
INSERT INTO outbox_events (event_id, org_id, type, payload, snapshot, created_at, available_at, attempts, request_id)
SELECT event_id, CAST(:org_id AS BIGINT), type, CAST(payload AS JSON), CAST(snapshot AS JSON),
       CAST(:queued_at AS TIMESTAMPTZ), CAST(:queued_at AS TIMESTAMPTZ), 0, CAST(:request_id AS VARCHAR)
FROM unnest(CAST(:event_ids AS VARCHAR[]), CAST(:event_types AS VARCHAR[]), CAST(:payloads AS TEXT[]),
            CAST(:snapshots AS TEXT[])) WITH ORDINALITY AS e(event_id, type, payload, snapshot, position)
ORDER BY position"""  # the outbox ids follow the events' order, as enqueue_many's executemany does
_WRITE_ALL = text("WITH " + _NOTE_CTE + _REST)
_WRITE_AFTER_NOTE = text("WITH " + _REST)
_NOTE_COLUMNS = [c.key for c in _notes.c if c.key not in ("id", "deleted_at")]


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


async def write_created(
    session: AsyncSession,
    note: Note,
    *,
    mentioned: Sequence[int],
    notified: Sequence[int],
    notified_oids: Sequence[str],
    notified_at: datetime,
    events: Sequence[Event],
    note_written: bool = False,
) -> None:
    """Write a new note (unless `note_written`: it went first, for rows that refer to it), its mentions,
    the inbox rows of the users it notifies and its outbox events: one statement on PostgreSQL."""
    if _dialect(session) != "postgresql":
        if not note_written:
            await repository.add_note(session, note)
        await repository.add_mentions(session, note.id, mentioned, note.created_at)
        await notifications_repository.add_mentions(
            session, org_id=note.org_id, actor_id=note.author_id, note_id=note.id, contact_id=note.contact_id,
            user_ids=notified, oids=notified_oids, at=notified_at,
        )  # fmt: skip
        await enqueue_many(session, note.org_id, events)
        return
    rows = outbox_rows(note.org_id, events)
    params = {column: getattr(note, column) for column in _NOTE_COLUMNS}
    params.update(
        id=note.id,
        mentioned=list(mentioned),
        kind=NotificationKind.MENTION.value,
        notified=list(notified),
        notified_oids=list(notified_oids),
        notified_at=notified_at,
        event_ids=[row["event_id"] for row in rows],
        event_types=[row["type"] for row in rows],
        payloads=[_json(row["payload"]) for row in rows],
        snapshots=[_json(row["snapshot"]) for row in rows],
        queued_at=rows[0]["created_at"] if rows else notified_at,
        request_id=rows[0]["request_id"] if rows else None,
    )
    await session.execute(_WRITE_AFTER_NOTE if note_written else _WRITE_ALL, params)
