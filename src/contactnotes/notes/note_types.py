"""Administering an organization's note types, with what each change does to the notes of that type.

Notes store their type's name. Renaming a type renames it on every note of the organization that has it, in
the same transaction (the notes stay in the type); removing a type leaves existing notes with the old name,
which they keep until edited, and only new notes can no longer choose it. Neither change sends note events:
the notes' content did not change.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.errors import Conflict, Forbidden, Invalid, NotFound
from contactnotes.models import NoteType
from contactnotes.notes import repository
from contactnotes.orgs import service as orgs
from contactnotes.orgs.service import MAX_NOTE_TYPE_LENGTH


@dataclass(frozen=True, slots=True)
class NoteTypeUsage:
    id: int
    name: str
    notes: int  # live notes of this type (everyone's, private ones included)


def _require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("Only an organization admin can change note types")


async def usage(session: AsyncSession, principal: Principal) -> list[NoteTypeUsage]:
    _require_admin(principal)
    counts = await repository.count_by_type(session, principal.org_id)
    types = await orgs.list_note_types(session, principal.org_id)
    return [NoteTypeUsage(t.id, t.name, counts.get(t.name, 0)) for t in types]


async def _type(session: AsyncSession, principal: Principal, type_id: int) -> NoteType:
    found = next((t for t in await orgs.list_note_types(session, principal.org_id) if t.id == type_id), None)
    if found is None:
        raise NotFound("Note type not found")
    _require_admin(principal)
    return found


async def rename(session: AsyncSession, principal: Principal, type_id: int, new_name: str) -> tuple[str, int]:
    """The new name everywhere; returns it and how many notes were renamed with it."""
    note_type = await _type(session, principal, type_id)
    name = " ".join(new_name.split())
    if not name or len(name) > MAX_NOTE_TYPE_LENGTH:
        raise Invalid.field("name", f"A type name needs 1 to {MAX_NOTE_TYPE_LENGTH} characters")
    # "call" -> "Call" is the same type; any other existing name is another type.
    taken = name.casefold() != note_type.name_folded and await orgs.find_note_type(session, principal.org_id, name)
    if taken:
        raise Conflict(f"Note type {name!r} already exists")
    old = note_type.name
    note_type.name, note_type.name_folded = name, name.casefold()
    await session.flush()
    return name, await repository.retype(session, principal.org_id, old, name)


async def remove(session: AsyncSession, principal: Principal, type_id: int) -> tuple[str, int]:
    """Returns the removed name and how many notes keep it."""
    note_type = await _type(session, principal, type_id)
    counts = await repository.count_by_type(session, principal.org_id)
    await orgs.remove_note_type_as(session, principal, note_type.name)
    return note_type.name, counts.get(note_type.name, 0)
