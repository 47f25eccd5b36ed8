"""SQL for users. Reads are scoped to an organization, except the login look-up by email."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.db.core import table_of
from contactnotes.kit.search import LIKE_ESCAPE, contains_pattern
from contactnotes.models import Organization, User, UserRole


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.scalars(select(User).where(User.email == email.lower()))).first()


async def get_in_org(session: AsyncSession, org_id: int, user_id: int) -> User | None:
    return (await session.scalars(select(User).where(User.org_id == org_id, User.id == user_id))).first()


async def find_by_oids(session: AsyncSession, org_id: int, oids: Iterable[str]) -> list[User]:
    wanted = list(set(oids))
    if not wanted:
        return []
    return list(await session.scalars(select(User).where(User.org_id == org_id, User.oid.in_(wanted))))


@dataclass(frozen=True, slots=True)
class Member:
    """What a mention needs of a user."""

    id: int
    oid: str
    full_name: str
    email: str
    avatar_url: str | None
    handle: str


_users = table_of(User)
_NAMED = select(
    _users.c.id, _users.c.oid, _users.c.full_name, _users.c.email, _users.c.avatar_url, _users.c.handle
).where(
    _users.c.org_id == bindparam("org_id"),
    _users.c.oid.in_(bindparam("oids", expanding=True)) | _users.c.handle.in_(bindparam("handles", expanding=True)),
)


async def find_by_oids_or_handles(
    session: AsyncSession, org_id: int, oids: Iterable[str], handles: Iterable[str]
) -> list[Member]:
    """Members named by id or by handle, in one round trip (the mention look-up of every note write)."""
    wanted_oids = list(set(oids))
    wanted_handles = list({handle.lower() for handle in handles})
    if not wanted_oids and not wanted_handles:
        return []
    rows = await session.execute(_NAMED, {"org_id": org_id, "oids": wanted_oids, "handles": wanted_handles})
    return [Member(*row) for row in rows]


async def find_by_handle(session: AsyncSession, org_id: int, handle: str) -> User | None:
    return (await session.scalars(select(User).where(User.org_id == org_id, User.handle == handle))).first()


async def admin_count(session: AsyncSession, org_id: int) -> int:
    """Active admins of the organization."""
    statement = (
        select(func.count())
        .select_from(User)
        .where(User.org_id == org_id, User.role == UserRole.ADMIN, User.deactivated_at.is_(None))
    )
    return int(await session.scalar(statement) or 0)


async def get_by_oid_in_org(session: AsyncSession, org_id: int, oid: str) -> User | None:
    return (await session.scalars(select(User).where(User.org_id == org_id, User.oid == oid))).first()


async def handle_taken(session: AsyncSession, org_id: int, handle: str) -> bool:
    statement = select(func.count()).select_from(User).where(User.org_id == org_id, User.handle == handle)
    return bool(await session.scalar(statement))


async def list_in_org(
    session: AsyncSession,
    org_id: int,
    *,
    limit: int,
    offset: int,
    search: str | None = None,
    with_deactivated: bool = False,
) -> tuple[list[User], int]:
    condition = User.org_id == org_id
    if not with_deactivated:
        condition &= User.deactivated_at.is_(None)
    if search:
        pattern = contains_pattern(search)
        condition = condition & (
            func.lower(User.full_name).like(pattern, escape=LIKE_ESCAPE)
            | User.handle.like(pattern, escape=LIKE_ESCAPE)
            | User.email.like(pattern, escape=LIKE_ESCAPE)
        )
    total = await session.scalar(select(func.count()).select_from(User).where(condition)) or 0
    statement = select(User).where(condition).order_by(User.full_name, User.id).limit(limit).offset(offset)
    return list(await session.scalars(statement)), total


async def all_in_org(session: AsyncSession, org_id: int) -> list[User]:
    return list(await session.scalars(select(User).where(User.org_id == org_id).order_by(User.id)))


async def get_with_org(session: AsyncSession, org_id: int, user_id: int) -> tuple[User, Organization] | None:
    statement = (
        select(User, Organization)
        .join(Organization, Organization.id == User.org_id)
        .where(User.org_id == org_id, User.id == user_id)
    )
    row = (await session.execute(statement)).first()
    return (row[0], row[1]) if row else None


async def add(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    return user


async def find_by_ids(session: AsyncSession, org_id: int, ids: Iterable[int]) -> list[User]:
    wanted = list(set(ids))
    if not wanted:
        return []
    return list(await session.scalars(select(User).where(User.org_id == org_id, User.id.in_(wanted))))
