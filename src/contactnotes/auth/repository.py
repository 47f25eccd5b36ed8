"""SQL for tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.models import ApiToken, Organization, User


async def find_token_with_owner(session: AsyncSession, token_hash: str) -> Row[ApiToken, User, Organization] | None:
    statement = (
        select(ApiToken, User, Organization)
        .join(User, User.id == ApiToken.user_id)
        .join(Organization, Organization.id == ApiToken.org_id)
        .where(ApiToken.token_hash == token_hash)
    )
    return (await session.execute(statement)).first()


# Every authenticated request runs this: plain columns, not three ORM objects.
_CREDENTIAL = (
    select(
        ApiToken.id.label("token_id"),
        ApiToken.token_hash,
        ApiToken.kind,
        ApiToken.revoked_at,
        ApiToken.expires_at,
        ApiToken.last_used_at,
        Organization.id.label("org_id"),
        Organization.oid.label("org_oid"),
        User.id.label("user_id"),
        User.oid.label("user_oid"),
        User.full_name,
        User.email,
        User.avatar_url,
        User.role,
    )
    .join(User, User.id == ApiToken.user_id)
    .join(Organization, Organization.id == ApiToken.org_id)
)


async def find_credential(session: AsyncSession, token_hash: str) -> Row[Any] | None:
    """The token and its owner's identity, by the token's hash."""
    row = (await session.execute(_CREDENTIAL.where(ApiToken.token_hash == token_hash))).first()
    return cast("Row[Any] | None", row)


async def touch_token(session: AsyncSession, token_id: int, at: datetime) -> None:
    await session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))


async def add_token(session: AsyncSession, token: ApiToken) -> ApiToken:
    session.add(token)
    await session.flush()
    return token


async def revoke_tokens(session: AsyncSession, *, org_id: int, token_ids: list[int], at: datetime) -> int:
    result = await session.execute(
        update(ApiToken)
        .where(ApiToken.org_id == org_id, ApiToken.id.in_(token_ids), ApiToken.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def list_tokens_of_user(session: AsyncSession, user_id: int) -> list[ApiToken]:
    result = await session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
    return list(result)


async def revoke_token_by_id(session: AsyncSession, token_id: int, at: datetime) -> bool:
    result = await session.execute(
        update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None)).values(revoked_at=at)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
