"""SQL for users. Reads are scoped to an organization, except the login look-up by email."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.models import User


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.scalars(select(User).where(User.email == email.lower()))).first()


async def get_in_org(session: AsyncSession, org_id: int, user_id: int) -> User | None:
    return (await session.scalars(select(User).where(User.org_id == org_id, User.id == user_id))).first()


async def find_by_oids(session: AsyncSession, org_id: int, oids: Iterable[str]) -> list[User]:
    wanted = list(set(oids))
    if not wanted:
        return []
    return list(await session.scalars(select(User).where(User.org_id == org_id, User.oid.in_(wanted))))


async def find_by_handles(session: AsyncSession, org_id: int, handles: Iterable[str]) -> list[User]:
    wanted = list({handle.lower() for handle in handles})
    if not wanted:
        return []
    return list(await session.scalars(select(User).where(User.org_id == org_id, User.handle.in_(wanted))))


async def handle_taken(session: AsyncSession, org_id: int, handle: str) -> bool:
    statement = select(func.count()).select_from(User).where(User.org_id == org_id, User.handle == handle)
    return bool(await session.scalar(statement))


async def list_in_org(session: AsyncSession, org_id: int, *, limit: int, offset: int) -> tuple[list[User], int]:
    total = await session.scalar(select(func.count()).select_from(User).where(User.org_id == org_id)) or 0
    statement = select(User).where(User.org_id == org_id).order_by(User.full_name, User.id).limit(limit).offset(offset)
    return list(await session.scalars(statement)), total


async def add(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    return user


async def find_by_ids(session: AsyncSession, org_id: int, ids: Iterable[int]) -> list[User]:
    wanted = list(set(ids))
    if not wanted:
        return []
    return list(await session.scalars(select(User).where(User.org_id == org_id, User.id.in_(wanted))))
