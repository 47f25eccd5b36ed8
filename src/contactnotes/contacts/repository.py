"""SQL for contacts; every read is scoped to the caller's organization."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.kit.search import LIKE_ESCAPE, contains_pattern
from contactnotes.models import Contact
from contactnotes.notes.schemas import ContactSummary


async def get(session: AsyncSession, org_id: int, ref: int | str) -> Contact | None:
    """A contact by integer id (Virtuous) or ObjectId (TetherAI)."""
    key = Contact.id == ref if isinstance(ref, int) else Contact.oid == ref
    return (await session.scalars(select(Contact).where(Contact.org_id == org_id, key))).first()


async def find_summary(session: AsyncSession, org_id: int, ref: int | str) -> ContactSummary | None:
    """What a note shows of its contact, read as a plain row (the create and timeline paths)."""
    key = Contact.id == ref if isinstance(ref, int) else Contact.oid == ref
    statement = select(Contact.id, Contact.oid, Contact.display_name, Contact.avatar_url).where(
        Contact.org_id == org_id, key
    )
    row = (await session.execute(statement)).first()
    return ContactSummary(*row) if row is not None else None


async def list_in_org(
    session: AsyncSession, org_id: int, *, search: str | None, limit: int, offset: int
) -> tuple[list[Contact], int]:
    condition = Contact.org_id == org_id
    if search:
        pattern = contains_pattern(search)
        condition = condition & (
            func.lower(Contact.display_name).like(pattern, escape=LIKE_ESCAPE)
            | func.lower(Contact.email).like(pattern, escape=LIKE_ESCAPE)
        )
    total = await session.scalar(select(func.count()).select_from(Contact).where(condition)) or 0
    statement = select(Contact).where(condition).order_by(Contact.display_name, Contact.id).limit(limit).offset(offset)
    return list(await session.scalars(statement)), total


async def add(session: AsyncSession, contact: Contact) -> Contact:
    session.add(contact)
    await session.flush()
    return contact
