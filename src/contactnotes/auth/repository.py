"""SQL for tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.db.core import table_of
from contactnotes.models import ApiToken, Organization, TokenKind, User


async def find_token_with_owner(session: AsyncSession, token_hash: str) -> Row[ApiToken, User, Organization] | None:
    statement = (
        select(ApiToken, User, Organization)
        .join(User, User.id == ApiToken.user_id)
        .join(Organization, Organization.id == ApiToken.org_id)
        .where(ApiToken.token_hash == token_hash)
    )
    return (await session.execute(statement)).first()


# Every authenticated request runs this: Core columns and a statement built once (see db/core.py).
_tokens, _users, _orgs = table_of(ApiToken), table_of(User), table_of(Organization)
_CREDENTIAL = (
    select(
        _tokens.c.id.label("token_id"),
        _tokens.c.token_hash,
        _tokens.c.kind,
        _tokens.c.revoked_at,
        _tokens.c.expires_at,
        _tokens.c.last_used_at,
        _orgs.c.id.label("org_id"),
        _orgs.c.oid.label("org_oid"),
        _orgs.c.time_zone,
        _orgs.c.history_visibility,
        _users.c.id.label("user_id"),
        _users.c.oid.label("user_oid"),
        _users.c.full_name,
        _users.c.email,
        _users.c.avatar_url,
        _users.c.role,
        _users.c.deactivated_at,
    )
    .join(_users, _users.c.id == _tokens.c.user_id)
    .join(_orgs, _orgs.c.id == _tokens.c.org_id)
    .where(_tokens.c.token_hash == bindparam("token_hash"))
)


async def find_credential(session: AsyncSession, token_hash: str) -> Row[Any] | None:
    """The token and its owner's identity, by the token's hash."""
    row = (await session.execute(_CREDENTIAL, {"token_hash": token_hash})).first()
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


async def revoke_all_of_user(session: AsyncSession, *, org_id: int, user_id: int, at: datetime) -> int:
    """Every live token of a user (a deactivated member's)."""
    result = await session.execute(
        update(ApiToken)
        .where(ApiToken.org_id == org_id, ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def personal_tokens(session: AsyncSession, *, org_id: int, user_id: int) -> list[ApiToken]:
    """A user's long-lived API tokens, newest first (sign-in grants are not listed: they expire by themselves)."""
    statement = (
        select(ApiToken)
        .where(ApiToken.org_id == org_id, ApiToken.user_id == user_id, ApiToken.kind == TokenKind.API)
        .order_by(ApiToken.id.desc())
    )
    return list(await session.scalars(statement))


async def get_personal_token(session: AsyncSession, *, org_id: int, user_id: int, token_id: int) -> ApiToken | None:
    statement = select(ApiToken).where(
        ApiToken.org_id == org_id, ApiToken.user_id == user_id, ApiToken.id == token_id, ApiToken.kind == TokenKind.API
    )
    return (await session.scalars(statement)).first()


async def user_in_org(session: AsyncSession, *, org_id: int, user_id: int) -> User | None:
    return (await session.scalars(select(User).where(User.org_id == org_id, User.id == user_id))).first()
