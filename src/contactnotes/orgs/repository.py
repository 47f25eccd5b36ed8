"""SQL for organizations and their note types."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.models import NoteType, Organization


async def find_by_oid_or_name(session: AsyncSession, ref: str) -> Organization | None:
    statement = select(Organization).where((Organization.oid == ref.lower()) | (Organization.name == ref))
    return (await session.scalars(statement)).first()


async def find_by_name(session: AsyncSession, name: str) -> Organization | None:
    return (await session.scalars(select(Organization).where(Organization.name == name))).first()


async def all_orgs(session: AsyncSession) -> list[Organization]:
    return list(await session.scalars(select(Organization).order_by(Organization.id)))


async def get(session: AsyncSession, org_id: int) -> Organization | None:
    return await session.get(Organization, org_id)


async def time_zone_of(session: AsyncSession, org_id: int) -> str:
    return (await session.scalar(select(Organization.time_zone).where(Organization.id == org_id))) or "UTC"


async def add(session: AsyncSession, org: Organization) -> Organization:
    session.add(org)
    await session.flush()
    return org


async def note_types(session: AsyncSession, org_id: int) -> list[NoteType]:
    statement = select(NoteType).where(NoteType.org_id == org_id).order_by(NoteType.position, NoteType.id)
    return list(await session.scalars(statement))


async def find_note_type(session: AsyncSession, org_id: int, name: str) -> NoteType | None:
    statement = select(NoteType).where(NoteType.org_id == org_id, NoteType.name_folded == name.casefold())
    return (await session.scalars(statement)).first()


async def add_note_type(session: AsyncSession, org_id: int, name: str) -> NoteType:
    last = await session.scalar(select(func.max(NoteType.position)).where(NoteType.org_id == org_id))
    note_type = NoteType(org_id=org_id, name=name, name_folded=name.casefold(), position=(last or 0) + 1)
    session.add(note_type)
    await session.flush()
    return note_type


async def delete_note_type(session: AsyncSession, note_type: NoteType) -> None:
    await session.delete(note_type)
    await session.flush()
