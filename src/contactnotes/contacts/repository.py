"""SQL for contacts; every read is scoped to the caller's organization."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.contacts.schemas import ContactSummary
from contactnotes.db.core import table_of
from contactnotes.db.functions import fold
from contactnotes.kit.search import LIKE_ESCAPE, contains_pattern
from contactnotes.models import Contact

# Built once: every page about a contact reads it by one of these.
_BY_ID = select(Contact).where(Contact.org_id == bindparam("org_id"), Contact.id == bindparam("ref"))
_BY_OID = select(Contact).where(Contact.org_id == bindparam("org_id"), Contact.oid == bindparam("ref"))


async def get(session: AsyncSession, org_id: int, ref: int | str) -> Contact | None:
    """A contact by integer id (Virtuous) or ObjectId (TetherAI)."""
    statement = _BY_ID if isinstance(ref, int) else _BY_OID
    return (await session.scalars(statement, {"org_id": org_id, "ref": ref})).first()


_contacts = table_of(Contact)
_SUMMARY = select(_contacts.c.id, _contacts.c.oid, _contacts.c.display_name, _contacts.c.avatar_url).where(
    _contacts.c.org_id == bindparam("org_id")
)
_SUMMARY_BY_ID = _SUMMARY.where(_contacts.c.id == bindparam("ref"))
_SUMMARY_BY_OID = _SUMMARY.where(_contacts.c.oid == bindparam("ref"))


async def find_summary(session: AsyncSession, org_id: int, ref: int | str) -> ContactSummary | None:
    """What a note shows of its contact (the create and timeline paths: Core, built once)."""
    statement = _SUMMARY_BY_ID if isinstance(ref, int) else _SUMMARY_BY_OID
    row = (await session.execute(statement, {"org_id": org_id, "ref": ref})).first()
    return ContactSummary(*row) if row is not None else None


async def find_summaries(session: AsyncSession, org_id: int, refs: list[int | str]) -> dict[int | str, ContactSummary]:
    """The organization's contacts among `refs` (integer ids or ObjectIds), by the ref that named them; a
    ref naming no contact of this organization is absent."""
    ids = [ref for ref in refs if isinstance(ref, int)]
    oids = [ref for ref in refs if isinstance(ref, str)]
    statement = _SUMMARY.where(_contacts.c.id.in_(ids) | _contacts.c.oid.in_(oids))
    found: dict[int | str, ContactSummary] = {}
    for row in await session.execute(statement, {"org_id": org_id}):
        summary = ContactSummary(*row)
        found[summary.id] = found[summary.oid] = summary
    return found


def _named_like(search: str) -> ColumnElement[bool]:
    pattern = contains_pattern(search)
    return fold(Contact.display_name).like(pattern, escape=LIKE_ESCAPE) | fold(Contact.email).like(
        pattern, escape=LIKE_ESCAPE
    )


async def list_in_org(
    session: AsyncSession, org_id: int, *, search: str | None, limit: int, offset: int
) -> tuple[list[Contact], int]:
    condition = Contact.org_id == org_id
    if search:
        condition = condition & _named_like(search)
    total = await session.scalar(select(func.count()).select_from(Contact).where(condition)) or 0
    statement = select(Contact).where(condition).order_by(Contact.display_name, Contact.id).limit(limit).offset(offset)
    return list(await session.scalars(statement)), total


# An organization's contacts in name order: unfiltered, what every timeline page's composer offers, so built once.
_BY_NAME = (
    select(Contact.oid, Contact.display_name)
    .where(Contact.org_id == bindparam("org_id"))
    .order_by(Contact.display_name, Contact.id)
    .limit(bindparam("limit", type_=Integer))
)


async def names_in_org(session: AsyncSession, org_id: int, *, search: str | None, limit: int) -> list[tuple[str, str]]:
    """(oid, name) of the first `limit` contacts by name matching `search`: rows, not entities, and no count."""
    statement = _BY_NAME.where(_named_like(search)) if search else _BY_NAME
    return [(oid, name) for oid, name in await session.execute(statement, {"org_id": org_id, "limit": limit})]


async def all_in_org(session: AsyncSession, org_id: int) -> list[Contact]:
    return list(await session.scalars(select(Contact).where(Contact.org_id == org_id).order_by(Contact.id)))


async def add(session: AsyncSession, contact: Contact) -> Contact:
    session.add(contact)
    await session.flush()
    return contact
