"""The export manifest (docs/data.md): a versioned JSON document made of sections, one per kind of data.

Each section knows how to collect its rows for a scope (one contact, or a whole organization) and how to
restore them. Rows refer to each other by ObjectId (users, contacts, notes), never by integer id, so an
archive restores into any empty database. A new kind of data (a note's revisions, the contacts a note is
linked to) is one more Section appended to SECTIONS, and a new minor entry in docs/data.md; readers ignore
sections they do not know, and refuse a FORMAT_VERSION newer than theirs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.models import (
    Contact,
    ContactExternalId,
    ImportedNote,
    Note,
    NoteAttachment,
    NoteContact,
    NoteMention,
    NoteReaction,
    NoteRevision,
    NoteType,
    Reminder,
    Upload,
    User,
)
from contactnotes.portability import repository

FORMAT = "contactnotes-export"
FORMAT_VERSION = 1

Row = dict[str, Any]


def to_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def from_json(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


@dataclass
class Scope:
    """What an export covers, and the id <-> ObjectId maps the sections build as they go."""

    org_id: int
    contact_id: int | None  # None: the whole organization
    users: dict[int, str] = field(default_factory=dict)
    contacts: dict[int, str] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)
    file_keys: set[str] = field(default_factory=set)


@dataclass
class Restoring:
    """The organization being restored, and the new integer id of each ObjectId restored so far."""

    org_id: int
    users: dict[str, int] = field(default_factory=dict)
    contacts: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    name: str
    collect: Callable[[AsyncSession, Scope], Awaitable[list[Row]]]
    restore: Callable[[AsyncSession, Restoring, list[Row]], Awaitable[None]]


def _times(row: Row, *names: str) -> Row:
    return {**row, **{name: from_json(row.get(name)) for name in names}}


# ── users: who wrote, edited, reacted, was mentioned or owns a reminder (no passwords, no tokens) ──


async def _collect_users(session: AsyncSession, scope: Scope) -> list[Row]:
    rows = await repository.users(session, scope.org_id)
    scope.users = {row["id"]: row["oid"] for row in rows}
    return [{k: to_json(v) for k, v in row.items() if k != "id"} for row in rows]


async def _restore_users(session: AsyncSession, into: Restoring, rows: list[Row]) -> None:
    values = [{**_times(row, "created_at"), "org_id": into.org_id, "password_hash": None, "totp_secret": None}
              for row in rows]  # fmt: skip
    ids = await repository.insert_rows(session, User, values)
    into.users = {row["oid"]: new for row, new in zip(rows, ids, strict=True)}


async def _collect_note_types(session: AsyncSession, scope: Scope) -> list[Row]:
    return await repository.note_types(session, scope.org_id) if scope.contact_id is None else []


async def _restore_note_types(session: AsyncSession, into: Restoring, rows: list[Row]) -> None:
    values = [{**row, "org_id": into.org_id, "name_folded": row["name"].casefold()} for row in rows]
    await repository.insert_rows(session, NoteType, values)


# ── contacts, with their ids in the systems they were imported from ──


async def _collect_contacts(session: AsyncSession, scope: Scope) -> list[Row]:
    rows = await repository.contacts(session, scope.org_id, scope.contact_id)
    scope.contacts = {row["id"]: row["oid"] for row in rows}
    external: dict[int, list[Row]] = {}
    for link in await repository.contact_external_ids(session, scope.org_id, list(scope.contacts)):
        external.setdefault(link["contact_id"], []).append({"source": link["source"], "id": link["external_id"]})
    return [
        {
            "oid": row["oid"],
            "display_name": row["display_name"],
            "email": row["email"],
            "avatar_url": row["avatar_url"],
            "created_at": to_json(row["created_at"]),
            "external_ids": sorted(external.get(row["id"], []), key=lambda e: (e["source"], e["id"])),
        }
        for row in rows
    ]


async def _restore_contacts(session: AsyncSession, into: Restoring, rows: list[Row]) -> None:
    values = [
        {"oid": r["oid"], "org_id": into.org_id, "display_name": r["display_name"], "email": r["email"],
         "avatar_url": r["avatar_url"], "created_at": from_json(r["created_at"])}
        for r in rows
    ]  # fmt: skip
    ids = await repository.insert_rows(session, Contact, values)
    into.contacts = {row["oid"]: new for row, new in zip(rows, ids, strict=True)}
    links = [
        {"org_id": into.org_id, "source": e["source"], "external_id": e["id"], "contact_id": into.contacts[r["oid"]],
         "created_at": from_json(r["created_at"])}
        for r in rows
        for e in r["external_ids"]
    ]  # fmt: skip
    await repository.insert_rows(session, ContactExternalId, links)


# ── notes, each with its attachments, mentions, reactions and import ids ──

_NOTE_TIMES = ("note_date", "created_at", "updated_at", "deleted_at")


async def _collect_notes(session: AsyncSession, scope: Scope) -> list[Row]:
    rows = await repository.notes(session, scope.org_id, scope.contact_id)
    scope.notes = {row["id"]: row["oid"] for row in rows}
    ids = list(scope.notes)
    per_note: dict[str, dict[int, list[Row]]] = {"attachments": {}, "mentions": {}, "reactions": {}, "imported": {}}
    for name, loader in (
        ("attachments", repository.attachments),
        ("mentions", repository.mentions),
        ("reactions", repository.reactions),
        ("imported", repository.imported_ids),
    ):
        for child in await loader(session, scope.org_id, ids):
            per_note[name].setdefault(child["note_id"], []).append(child)
    users = scope.users
    notes = []
    for row in rows:
        attachments = sorted(per_note["attachments"].get(row["id"], []), key=lambda a: a["position"])
        scope.file_keys.update(a["key"] for a in attachments)
        notes.append(
            {
                "oid": row["oid"],
                "contact": row["contact_oid"],  # a linked note's primary contact may be outside a contact's export
                "author": users[row["author_id"]],
                "modified_by": users[row["modified_by_id"]],
                "body": row["body"],
                "type": row["type"],
                "important": row["important"],
                "is_private": row["is_private"],
                "time_spent_minutes": row["time_spent_minutes"],
                "is_edited": row["is_edited"],
                **{name: to_json(row[name]) for name in _NOTE_TIMES},
                "attachments": [
                    {k: a[k] for k in ("position", "key", "name", "size", "content_type")} for a in attachments
                ],
                "mentions": sorted(
                    (
                        {"user": users[m["user_id"]], "created_at": to_json(m["created_at"])}
                        for m in per_note["mentions"].get(row["id"], [])
                    ),
                    key=lambda m: m["user"],
                ),
                "reactions": sorted(
                    (
                        {"emoji": r["emoji"], "user": users[r["user_id"]], "created_at": to_json(r["created_at"])}
                        for r in per_note["reactions"].get(row["id"], [])
                    ),
                    key=lambda r: (r["emoji"], r["user"]),
                ),
                "external_ids": sorted(
                    ({"source": i["source"], "id": i["external_id"]} for i in per_note["imported"].get(row["id"], [])),
                    key=lambda e: (e["source"], e["id"]),
                ),
            }
        )
    return notes


async def _restore_notes(session: AsyncSession, into: Restoring, rows: list[Row]) -> None:
    values = [
        {
            "oid": r["oid"], "org_id": into.org_id, "contact_id": into.contacts[r["contact"]],
            "author_id": into.users[r["author"]], "modified_by_id": into.users[r["modified_by"]],
            "body": r["body"], "type": r["type"], "important": r["important"], "is_private": r["is_private"],
            "time_spent_minutes": r["time_spent_minutes"], "is_edited": r["is_edited"],
            **{name: from_json(r[name]) for name in _NOTE_TIMES},
        }
        for r in rows
    ]  # fmt: skip
    ids = await repository.insert_rows(session, Note, values)
    into.notes = {row["oid"]: new for row, new in zip(rows, ids, strict=True)}
    children: dict[Any, list[Row]] = {NoteAttachment: [], NoteMention: [], NoteReaction: [], ImportedNote: []}
    for r in rows:
        note_id = into.notes[r["oid"]]
        children[NoteAttachment] += [{**a, "note_id": note_id} for a in r["attachments"]]
        children[NoteMention] += [
            {"note_id": note_id, "user_id": into.users[m["user"]], "created_at": from_json(m["created_at"])}
            for m in r["mentions"]
        ]
        children[NoteReaction] += [
            {"note_id": note_id, "emoji": x["emoji"], "user_id": into.users[x["user"]],
             "created_at": from_json(x["created_at"])}
            for x in r["reactions"]
        ]  # fmt: skip
        children[ImportedNote] += [
            {"org_id": into.org_id, "source": e["source"], "external_id": e["id"], "note_id": note_id,
             "created_at": from_json(r["created_at"])}
            for e in r["external_ids"]
        ]  # fmt: skip
    for model, values in children.items():
        await repository.insert_rows(session, model, values)


# ── reminders ──

_REMINDER_TIMES = ("target_date", "resolved_at", "due_notified_at", "created_at", "updated_at")


async def _collect_reminders(session: AsyncSession, scope: Scope) -> list[Row]:
    users = scope.users
    return [
        {
            "oid": r["oid"],
            "note": scope.notes.get(r["note_id"]) if r["note_id"] else None,
            "contact": scope.contacts[r["contact_id"]],
            "owner": users[r["owner_id"]],
            "created_by": users[r["created_by_id"]],
            "resolved_by": users[r["resolved_by_id"]] if r["resolved_by_id"] else None,
            "message": r["message"],
            "description": r["description"],
            "status": r["status"],
            **{name: to_json(r[name]) for name in _REMINDER_TIMES},
        }
        for r in await repository.reminders(session, scope.org_id, scope.contact_id)
    ]


async def _restore_reminders(session: AsyncSession, into: Restoring, rows: list[Row]) -> None:
    values = [
        {
            "oid": r["oid"], "org_id": into.org_id, "note_id": into.notes[r["note"]] if r["note"] else None,
            "contact_id": into.contacts[r["contact"]], "owner_id": into.users[r["owner"]],
            "created_by_id": into.users[r["created_by"]],
            "resolved_by_id": into.users[r["resolved_by"]] if r["resolved_by"] else None,
            "message": r["message"], "description": r["description"], "status": r["status"],
            **{name: from_json(r[name]) for name in _REMINDER_TIMES},
        }
        for r in rows
    ]  # fmt: skip
    await repository.insert_rows(session, Reminder, values)


# ── files: the stored objects the notes carry (their bytes are in the archive under files/) ──


async def _collect_files(session: AsyncSession, scope: Scope) -> list[Row]:
    uploads = {u["key"]: u for u in await repository.uploads(session, scope.org_id, sorted(scope.file_keys))}
    return [
        {
            "key": key,
            "path": f"files/{key}",
            "note": scope.notes.get(uploads[key]["note_id"]) if key in uploads else None,
            "created_by": scope.users.get(uploads[key]["created_by_id"]) if key in uploads else None,
            "name": uploads[key]["name"] if key in uploads else None,
            "size": uploads[key]["size"] if key in uploads else None,
            "content_type": uploads[key]["content_type"] if key in uploads else None,
            "created_at": to_json(uploads[key]["created_at"]) if key in uploads else None,
        }
        for key in sorted(scope.file_keys)
    ]


async def _restore_files(session: AsyncSession, into: Restoring, rows: list[Row]) -> None:
    values = [
        {"org_id": into.org_id, "created_by_id": into.users[r["created_by"]], "key": r["key"], "name": r["name"],
         "size": r["size"], "content_type": r["content_type"], "status": "stored",
         "attached_at": from_json(r["created_at"]), "note_id": into.notes[r["note"]] if r["note"] else None,
         "created_at": from_json(r["created_at"])}
        for r in rows
        if r["created_by"]
    ]  # fmt: skip
    await repository.insert_rows(session, Upload, values)


# ── revisions: each edit of a note, with the note as it was before it (docs/data.md "Note history") ──

_REVISION_FIELDS = ("body", "type", "important", "is_private", "time_spent_minutes")


async def _collect_revisions(session: AsyncSession, scope: Scope) -> list[Row]:
    rows = await repository.revisions(session, scope.org_id, list(scope.notes))
    rows.sort(key=lambda r: (r["note_id"], r["number"]))
    return [
        {
            "oid": r["oid"],
            "note": scope.notes[r["note_id"]],
            "number": r["number"],
            "edited_by": scope.users[r["edited_by_id"]],
            "edited_at": to_json(r["edited_at"]),
            **{name: r[name] for name in _REVISION_FIELDS},
            "note_date": to_json(r["note_date"]),
        }
        for r in rows
    ]


async def _restore_revisions(session: AsyncSession, into: Restoring, rows: list[Row]) -> None:
    values = [
        {"oid": r["oid"], "org_id": into.org_id, "note_id": into.notes[r["note"]], "number": r["number"],
         "edited_by_id": into.users[r["edited_by"]], "edited_at": from_json(r["edited_at"]),
         **{name: r[name] for name in _REVISION_FIELDS}, "note_date": from_json(r["note_date"])}
        for r in rows
    ]  # fmt: skip
    await repository.insert_rows(session, NoteRevision, values)


# ── linked contacts: the contacts a note is about besides its primary one (`contact` on the note) ──


async def _collect_linked_contacts(session: AsyncSession, scope: Scope) -> list[Row]:
    rows = [
        {"note": scope.notes[r["note_id"]], "contact": r["contact_oid"]}
        for r in await repository.linked_contacts(session, scope.org_id, list(scope.notes))
    ]
    return sorted(rows, key=lambda r: (r["note"], r["contact"]))


async def _restore_linked_contacts(session: AsyncSession, into: Restoring, rows: list[Row]) -> None:
    """The primary links come back with the notes (a trigger writes them); these are the others, and the
    note_contacts trigger counts them on each contact's timeline as it would for a new link."""
    values = [
        {"note_id": into.notes[r["note"]], "contact_id": into.contacts[r["contact"]], "org_id": into.org_id,
         "is_primary": False}
        for r in rows
    ]  # fmt: skip
    await repository.insert_rows(session, NoteContact, values)


# In restore order: a section refers only to sections before it.
SECTIONS: list[Section] = [
    Section("users", _collect_users, _restore_users),
    Section("note_types", _collect_note_types, _restore_note_types),
    Section("contacts", _collect_contacts, _restore_contacts),
    Section("notes", _collect_notes, _restore_notes),
    Section("reminders", _collect_reminders, _restore_reminders),
    Section("files", _collect_files, _restore_files),
    Section("revisions", _collect_revisions, _restore_revisions),  # added within version 1 (docs/data.md "Versions")
    Section("linked_contacts", _collect_linked_contacts, _restore_linked_contacts),  # added within version 1
]
