"""SQL for web sessions. A session is found by its secret's hash; every other statement names its user."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.db.core import table_of
from contactnotes.models import Organization, User, WebSession

_sessions, _users, _orgs = table_of(WebSession), table_of(User), table_of(Organization)
# Every page view runs this: built once (see db/core.py).
_BY_HASH = (
    select(
        _sessions.c.id.label("session_id"),
        _sessions.c.token_hash,
        _sessions.c.csrf_token,
        _sessions.c.expires_at,
        _sessions.c.last_seen_at,
        _sessions.c.revoked_at,
        _orgs.c.id.label("org_id"),
        _orgs.c.oid.label("org_oid"),
        _orgs.c.name.label("org_name"),
        _orgs.c.time_zone,
        _orgs.c.history_visibility,
        _users.c.id.label("user_id"),
        _users.c.oid.label("user_oid"),
        _users.c.full_name,
        _users.c.email,
        _users.c.handle,
        _users.c.avatar_url,
        _users.c.role,
        _users.c.deactivated_at,
    )
    .join(_users, _users.c.id == _sessions.c.user_id)
    .join(_orgs, _orgs.c.id == _sessions.c.org_id)
    .where(_sessions.c.token_hash == bindparam("token_hash"))
)


async def find(session: AsyncSession, token_hash: str) -> Row[Any] | None:
    return cast("Row[Any] | None", (await session.execute(_BY_HASH, {"token_hash": token_hash})).first())


async def add(session: AsyncSession, web_session: WebSession) -> WebSession:
    session.add(web_session)
    await session.flush()
    return web_session


async def touch(session: AsyncSession, session_id: int, at: datetime) -> None:
    await session.execute(update(WebSession).where(WebSession.id == session_id).values(last_seen_at=at))


async def revoke(session: AsyncSession, session_id: int, at: datetime) -> None:
    await session.execute(
        update(WebSession).where(WebSession.id == session_id, WebSession.revoked_at.is_(None)).values(revoked_at=at)
    )


async def revoke_all_of_user(
    session: AsyncSession, user_id: int, at: datetime, *, except_session_id: int | None = None
) -> int:
    condition = (WebSession.user_id == user_id) & WebSession.revoked_at.is_(None)
    if except_session_id is not None:
        condition &= WebSession.id != except_session_id
    result = await session.execute(update(WebSession).where(condition).values(revoked_at=at))
    return int(result.rowcount)  # type: ignore[attr-defined]
