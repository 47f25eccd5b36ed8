"""Organizations and their note types."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.errors import Conflict, Forbidden, Invalid, NotFound
from contactnotes.kit.clock import utc_now
from contactnotes.kit.dates import zone
from contactnotes.models import NoteType, Organization
from contactnotes.orgs import repository

# Virtuous CRM's default note types, in the order its /api/ContactNote/Types answers them.
DEFAULT_NOTE_TYPES = (
    "General",
    "Call",
    "Text Message",
    "Letter",
    "Direct Mail",
    "Social Media",
    "Email",
    "In Person",
    "Event",
    "Alert",
    "Thank You",
)
# The type a note gets when the client names none (TetherAI's create has no type field).
DEFAULT_NOTE_TYPE = "General"
MAX_NOTE_TYPE_LENGTH = 100


async def create_org(
    session: AsyncSession, name: str, *, oid: str | None = None, note_types: bool = True
) -> Organization:
    """`note_types` False: without the default types (a restore brings the organization's own)."""
    name = name.strip()
    if not name:
        raise Invalid.field("name", "Organization name must not be empty")
    if await repository.find_by_name(session, name) is not None:
        raise Conflict(f"An organization named {name!r} already exists")
    org = Organization(name=name, created_at=utc_now())
    if oid:
        org.oid = oid
    await repository.add(session, org)
    for position, type_name in enumerate(DEFAULT_NOTE_TYPES if note_types else ()):
        session.add(NoteType(org_id=org.id, name=type_name, name_folded=type_name.casefold(), position=position))
    await session.flush()
    return org


async def find_org(session: AsyncSession, ref: str) -> Organization:
    """An organization by ObjectId or by name."""
    org = await repository.find_by_oid_or_name(session, ref)
    if org is None:
        raise NotFound(f"No organization {ref!r}")
    return org


async def list_orgs(session: AsyncSession) -> list[Organization]:
    """Every organization, oldest first (an operator's view: the command line, never an API)."""
    return await repository.all_orgs(session)


def check_time_zone(name: str) -> str:
    """An IANA time zone name as given (Europe/Paris, UTC); unknown names are refused."""
    name = name.strip()
    try:
        zone(name)
    except ValueError:
        raise Invalid.field("time_zone", f"{name!r} is not an IANA time zone name (such as America/Chicago)") from None
    return name


async def set_time_zone(session: AsyncSession, ref: str, name: str) -> Organization:
    """The zone whose calendar days the Virtuous API answers, and in which it reads zone-less times."""
    org = await find_org(session, ref)
    org.time_zone = check_time_zone(name)
    await session.flush()
    return org


class HistoryVisibility:
    """Who may read a note's edit history (docs/data.md)."""

    EVERYONE = "everyone"  # every member who can see the note
    ADMINS = "admins"  # organization admins only (for the notes they can see)
    ALL = (EVERYONE, ADMINS)


async def set_history_visibility(session: AsyncSession, ref: str, value: str) -> Organization:
    org = await find_org(session, ref)
    value = value.strip().lower()
    if value not in HistoryVisibility.ALL:
        raise Invalid.field("historyVisibility", f"history visibility is one of: {', '.join(HistoryVisibility.ALL)}")
    org.history_visibility = value
    await session.flush()
    return org


async def current(session: AsyncSession, principal: Principal) -> Organization:
    """The caller's organization."""
    org = await repository.get(session, principal.org_id)
    if org is None:
        raise NotFound("No such organization")
    return org


async def list_note_types(session: AsyncSession, org_id: int) -> list[NoteType]:
    return await repository.note_types(session, org_id)


async def resolve_note_type(session: AsyncSession, org_id: int, name: str | None, field: str = "type") -> str:
    """The canonical name of a note type, matched ignoring case; unknown types are refused."""
    if name is None or not name.strip():
        return DEFAULT_NOTE_TYPE
    found = await repository.find_note_type(session, org_id, name.strip())
    if found is None:
        known = ", ".join(t.name for t in await repository.note_types(session, org_id))
        raise Invalid.field(field, f"Unknown note type {name!r}; this organization's types: {known}", "UNKNOWN_TYPE")
    return found.name


async def add_note_type(session: AsyncSession, org_id: int, name: str) -> NoteType:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NOTE_TYPE_LENGTH:
        raise Invalid.field("name", f"A type name needs 1 to {MAX_NOTE_TYPE_LENGTH} characters")
    if await repository.find_note_type(session, org_id, name) is not None:
        raise Conflict(f"Note type {name!r} already exists")
    return await repository.add_note_type(session, org_id, name)


async def find_note_type(session: AsyncSession, org_id: int, name: str) -> NoteType | None:
    """A type by name, ignoring case."""
    return await repository.find_note_type(session, org_id, name.strip())


async def _existing_note_type(session: AsyncSession, org_id: int, name: str) -> NoteType:
    found = await repository.find_note_type(session, org_id, name)
    if found is None:
        raise NotFound(f"No note type {name!r}")
    return found


async def remove_note_type(session: AsyncSession, org_id: int, name: str) -> None:
    """Existing notes keep their type's name; only new notes can no longer use it."""
    await repository.delete_note_type(session, await _existing_note_type(session, org_id, name))


def _require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("Only an organization admin can change note types")


async def add_note_type_as(session: AsyncSession, principal: Principal, name: str) -> NoteType:
    _require_admin(principal)
    return await add_note_type(session, principal.org_id, name)


async def remove_note_type_as(session: AsyncSession, principal: Principal, name: str) -> None:
    # Looked up first: a name that is not one of the organization's types is 404 whoever asks.
    found = await _existing_note_type(session, principal.org_id, name)
    _require_admin(principal)
    await repository.delete_note_type(session, found)
