"""A user's own API tokens: made with a name (the secret shown once), listed with their last use, revoked.

Every statement names the caller's organization and user: another person's token is not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth import repository
from contactnotes.auth.principal import Principal
from contactnotes.auth.service import issue_token
from contactnotes.errors import Invalid, NotFound
from contactnotes.kit.clock import utc_now
from contactnotes.models import ApiToken, TokenKind

MAX_NAME = 200
MAX_TOKENS = 50  # live tokens per user: enough for every script, few enough to keep track of


@dataclass(frozen=True, slots=True)
class TokenView:
    id: int
    name: str
    prefix: str  # the secret's first characters, to tell tokens apart
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewToken:
    token: TokenView
    secret: str  # shown once, never stored


def _view(token: ApiToken) -> TokenView:
    return TokenView(token.id, token.name, token.prefix, token.created_at, token.last_used_at, token.revoked_at)


async def list_mine(session: AsyncSession, principal: Principal) -> list[TokenView]:
    rows = await repository.personal_tokens(session, org_id=principal.org_id, user_id=principal.user_id)
    return [_view(token) for token in rows]


async def create(session: AsyncSession, principal: Principal, name: str) -> NewToken:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise Invalid.field("token_name", f"A token needs a name of 1 to {MAX_NAME} characters")
    existing = await repository.personal_tokens(session, org_id=principal.org_id, user_id=principal.user_id)
    if sum(1 for t in existing if t.revoked_at is None) >= MAX_TOKENS:
        raise Invalid.field("token_name", f"You have {MAX_TOKENS} live tokens; revoke one first")
    owner = await repository.user_in_org(session, org_id=principal.org_id, user_id=principal.user_id)
    if owner is None:
        raise NotFound("User not found")
    issued = await issue_token(session, owner, kind=TokenKind.API, name=name)
    return NewToken(_view(issued.token), issued.secret)


async def revoke(session: AsyncSession, principal: Principal, token_id: int) -> TokenView:
    """The token is refused from the next request on."""
    token = await repository.get_personal_token(
        session, org_id=principal.org_id, user_id=principal.user_id, token_id=token_id
    )
    if token is None:
        raise NotFound("Token not found")
    if token.revoked_at is None:
        token.revoked_at = utc_now()
        await session.flush()
    return _view(token)
