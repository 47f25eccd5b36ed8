"""Issuing, resolving and revoking bearer tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth import repository
from contactnotes.auth.principal import Principal
from contactnotes.auth.secrets import hash_secret, hashes_match, looks_like_token, new_secret
from contactnotes.errors import Unauthenticated
from contactnotes.kit.clock import utc_now
from contactnotes.models import ApiToken, Organization, TokenKind, User, UserRole


@dataclass(frozen=True)
class IssuedToken:
    secret: str  # shown to the user once, never stored
    token: ApiToken


async def issue_token(
    session: AsyncSession,
    user: User,
    *,
    kind: TokenKind = TokenKind.API,
    name: str = "",
    lifetime: timedelta | None = None,
) -> IssuedToken:
    secret = new_secret()
    now = utc_now()
    token = ApiToken(
        org_id=user.org_id,
        user_id=user.id,
        kind=kind,
        name=name,
        token_hash=hash_secret(secret),
        prefix=secret[:10],
        created_at=now,
        expires_at=now + lifetime if lifetime else None,
    )
    await repository.add_token(session, token)
    return IssuedToken(secret=secret, token=token)


async def authenticate(
    session: AsyncSession,
    authorization: str | None,
    *,
    touch_interval: timedelta = timedelta(seconds=60),
    kinds: frozenset[TokenKind] = frozenset({TokenKind.API, TokenKind.ACCESS}),
) -> Principal:
    """Turn an Authorization header into a Principal, or raise Unauthenticated with the reason."""
    if not authorization:
        raise Unauthenticated("Authorization header is missing")
    scheme, _, secret = authorization.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise Unauthenticated("Authorization header must be 'Bearer <token>'")
    if not looks_like_token(secret):
        raise Unauthenticated("Invalid token")
    presented = hash_secret(secret)
    row = await repository.find_credential(session, presented)
    if row is None:
        raise Unauthenticated("Invalid token")
    now = utc_now()
    if not hashes_match(row.token_hash, presented) or row.kind not in kinds:
        raise Unauthenticated("Invalid token")
    if row.revoked_at is not None:
        raise Unauthenticated("Token has been revoked")
    if row.deactivated_at is not None:  # its tokens are revoked too; this holds even for one made in a race
        raise Unauthenticated("This account has been deactivated")
    if row.expires_at is not None and row.expires_at <= now:
        raise Unauthenticated("Token has expired")
    if row.last_used_at is None or now - row.last_used_at >= touch_interval:
        await repository.touch_token(session, row.token_id, now)
    return principal_of_row(row, token_id=row.token_id)


def principal_of_row(row: Any, token_id: int | None = None) -> Principal:
    """The identity of a credential's one-statement look-up (a token's or a web session's row)."""
    return Principal(
        org_id=row.org_id,
        org_oid=row.org_oid,
        user_id=row.user_id,
        user_oid=row.user_oid,
        full_name=row.full_name,
        email=row.email,
        avatar_url=row.avatar_url,
        is_admin=row.role == UserRole.ADMIN,
        token_id=token_id,
        time_zone=row.time_zone,
        history_visibility=row.history_visibility,
    )


def principal_for(org: Organization, user: User, token_id: int | None = None) -> Principal:
    """The identity the core sees for a user of an organization (the CLI and demo act as users too)."""
    return Principal(
        org_id=org.id,
        org_oid=org.oid,
        user_id=user.id,
        user_oid=user.oid,
        full_name=user.full_name,
        email=user.email,
        avatar_url=user.avatar_url,
        is_admin=user.is_admin,
        token_id=token_id,
        time_zone=org.time_zone,
        history_visibility=org.history_visibility,
    )


async def revoke(session: AsyncSession, principal: Principal, token_ids: list[int]) -> int:
    return await repository.revoke_tokens(session, org_id=principal.org_id, token_ids=token_ids, at=utc_now())


async def tokens_of(session: AsyncSession, user: User) -> list[ApiToken]:
    return await repository.list_tokens_of_user(session, user.id)


async def revoke_by_id(session: AsyncSession, token_id: int) -> bool:
    """Operator revocation from the CLI, which acts outside any organization."""
    return await repository.revoke_token_by_id(session, token_id, utc_now())
