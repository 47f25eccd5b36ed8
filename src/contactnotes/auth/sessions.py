"""Web sessions: a signed-in browser, kept server-side so that signing out or changing a password ends it.

The cookie carries a random secret; the table keeps only its SHA-256 (as for API tokens: a 256-bit random
secret needs no slow hash, and a fast one is an indexed look-up per page). Each session has its own CSRF
token, which pages send back on every unsafe request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth import sessions_repository as repository
from contactnotes.auth.principal import Principal
from contactnotes.auth.secrets import hash_secret, hashes_match
from contactnotes.auth.service import principal_of_row
from contactnotes.errors import Unauthenticated
from contactnotes.kit.clock import utc_now
from contactnotes.models import User, WebSession

SECRET_LENGTH = 43  # secrets.token_urlsafe(32)
# How stale last_seen_at may get before a page view refreshes it (one write per session per minute at most).
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class OpenedSession:
    secret: str  # for the cookie; never stored
    csrf_token: str
    expires_at_seconds: int


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who a session cookie stands for, with what the pages show of them."""

    principal: Principal
    session_id: int
    csrf_token: str
    handle: str
    org_name: str


async def open_session(session: AsyncSession, user: User, *, lifetime: timedelta) -> OpenedSession:
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utc_now()
    await repository.add(
        session,
        WebSession(
            org_id=user.org_id,
            user_id=user.id,
            token_hash=hash_secret(secret),
            csrf_token=csrf,
            expires_at=now + lifetime,
            last_seen_at=now,
            created_at=now,
        ),
    )
    return OpenedSession(secret, csrf, int(lifetime.total_seconds()))


async def resolve(session: AsyncSession, secret: str | None) -> SignedIn:
    """The signed-in user of a cookie, or Unauthenticated (no cookie, unknown, expired, revoked)."""
    if not secret or len(secret) != SECRET_LENGTH:
        raise Unauthenticated("Not signed in")
    presented = hash_secret(secret)
    row = await repository.find(session, presented)
    now = utc_now()
    if row is None or not hashes_match(row.token_hash, presented):
        raise Unauthenticated("Not signed in")
    if row.revoked_at is not None or row.expires_at <= now or row.deactivated_at is not None:
        raise Unauthenticated("Your session has ended; sign in again")
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        await repository.touch(session, row.session_id, now)
    return SignedIn(principal_of_row(row), row.session_id, row.csrf_token, row.handle, row.org_name)


async def close_session(session: AsyncSession, signed_in: SignedIn) -> None:
    """Sign out: the cookie names nothing from now on, whoever holds a copy of it."""
    await repository.revoke(session, signed_in.session_id, utc_now())


async def revoke_all(session: AsyncSession, user_id: int, *, except_session_id: int | None = None) -> int:
    """End every browser session of a user (a changed password must sign out whoever knew the old one), but
    `except_session_id`: the browser that changed it stays signed in."""
    return await repository.revoke_all_of_user(session, user_id, utc_now(), except_session_id=except_session_id)
