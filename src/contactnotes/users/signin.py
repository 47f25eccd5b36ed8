"""POST /Token grants (OAuth 2 resource-owner password and refresh_token), as Virtuous issues them.

Access and refresh tokens are ordinary rows of api_tokens (kinds ACCESS and REFRESH), so they are revoked
like any token. A refresh token is single-use: trading it revokes it and hands out a new pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth import repository, totp
from contactnotes.auth.passwords import verify_password
from contactnotes.auth.secrets import hash_secret, looks_like_token
from contactnotes.auth.service import issue_token
from contactnotes.errors import DomainError, FieldProblem, Invalid
from contactnotes.kit.clock import utc_now
from contactnotes.models import TokenKind, User
from contactnotes.orgs import repository as orgs_repository
from contactnotes.ratelimit import Limiter
from contactnotes.settings import Settings
from contactnotes.users import repository as users_repository

PASSWORD = "password"  # noqa: S105 (a grant type name)
REFRESH_TOKEN = "refresh_token"  # noqa: S105 (a grant type name)
GRANT_TYPES = (PASSWORD, REFRESH_TOKEN)


class GrantError(Invalid):
    """A refused grant, with its RFC 6749 section 5.2 error code."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message, [FieldProblem(field, message, code.upper())] if field else None)
        self.code = code


class OtpRequired(DomainError):
    """The password is right and the account has two-factor on: the client must send `otp` as well."""

    def __init__(self) -> None:
        super().__init__("This account uses two-factor authentication: send the one-time code as otp")


class TooManyAttempts(DomainError):
    """Too many failed logins for one account: wait `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed attempts; retry in {retry_after} seconds")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class GrantedTokens:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token lives
    issued_at: datetime
    expires_at: datetime
    user_name: str
    two_factor_enabled: bool = False


async def _issue_pair(session: AsyncSession, user: User, settings: Settings) -> GrantedTokens:
    access_lifetime = timedelta(days=settings.access_token_days)
    access = await issue_token(session, user, kind=TokenKind.ACCESS, name="POST /Token", lifetime=access_lifetime)
    refresh = await issue_token(
        session,
        user,
        kind=TokenKind.REFRESH,
        name="POST /Token refresh",
        lifetime=timedelta(days=settings.refresh_token_days),
    )
    issued = access.token.created_at
    assert access.token.expires_at is not None
    return GrantedTokens(
        access_token=access.secret,
        refresh_token=refresh.secret,
        # Whole seconds still left when answered, as the real server counts (1295999 for 15 days).
        expires_in=max(0, int((access.token.expires_at - utc_now()).total_seconds())),
        issued_at=issued,
        expires_at=access.token.expires_at,
        user_name=user.email,
        two_factor_enabled=user.totp_secret is not None,
    )


def _login_key(username: str) -> str:
    return "login:" + username.strip().lower()


async def check_login(
    session: AsyncSession,
    limiter: Limiter,
    settings: Settings,
    username: str | None,
    password: str | None,
    otp: str | None = None,
) -> User:
    """The user an email, password (and, with two-factor on, a current TOTP code) name. Every attempt counts
    against the account's window; a success clears it, so only repeated failures are slowed down (429 until
    the window ends). POST /Token, TetherAI's login and the web app's form all come through here, under the
    same lockout."""
    if not username:
        raise GrantError("invalid_request", "username is required", "username")
    if not password:
        raise GrantError("invalid_request", "password is required", "password")
    key = _login_key(username)
    decision = await limiter.hit(key, settings.login_failure_limit, settings.login_failure_window_seconds)
    if decision is not None and not decision.allowed:
        raise TooManyAttempts(decision.retry_after)
    user = await users_repository.find_by_email(session, username.strip())
    # verify_password runs the hash even without a user, so timing does not reveal which emails exist.
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise GrantError("invalid_grant", "The user name or password is incorrect.")
    if not user.is_active:  # said only to whoever knows the password
        raise GrantError("invalid_grant", "This account has been deactivated; ask an admin of your organization.")
    if user.totp_secret is not None:
        if not otp or not otp.strip():
            raise OtpRequired()
        if not totp.verify(user.totp_secret, otp.strip()):
            raise GrantError("invalid_grant", "The one-time code is incorrect or expired.", "otp")
    await limiter.reset(key)
    return user


async def password_grant(
    session: AsyncSession,
    limiter: Limiter,
    settings: Settings,
    username: str | None,
    password: str | None,
    otp: str | None = None,
) -> GrantedTokens:
    """Email and password (and `otp` for two-factor accounts) to a token pair."""
    user = await check_login(session, limiter, settings, username, password, otp)
    return await _issue_pair(session, user, settings)


async def refresh_grant(session: AsyncSession, settings: Settings, refresh_token: str | None) -> GrantedTokens:
    if not refresh_token:
        raise GrantError("invalid_request", "refresh_token is required", "refresh_token")
    invalid = GrantError("invalid_grant", "The refresh token is invalid, expired or revoked.")
    if not looks_like_token(refresh_token):
        raise invalid
    row = await repository.find_token_with_owner(session, hash_secret(refresh_token))
    if row is None:
        raise invalid
    token, user, _org = row
    now = utc_now()
    if token.kind != TokenKind.REFRESH or token.revoked_at is not None:
        raise invalid
    if token.expires_at is not None and token.expires_at <= now:
        raise invalid
    # Revoking only if still active makes the trade single-use even when two requests race with it.
    if not await repository.revoke_token_by_id(session, token.id, now):
        raise invalid
    return await _issue_pair(session, user, settings)


@dataclass(frozen=True, slots=True)
class LoggedIn:
    """TetherAI's login: a bearer token and who it speaks for."""

    token: str
    user_oid: str
    email: str
    full_name: str
    org_oid: str
    role: str


async def login(
    session: AsyncSession,
    limiter: Limiter,
    settings: Settings,
    email: str | None,
    password: str | None,
    otp: str | None = None,
) -> LoggedIn:
    """Email and password (and `otp` for two-factor accounts) to one access token, which works on every route
    of both APIs. Same checks and lockout as POST /Token; it lives as long as POST /Token's access tokens."""
    user = await check_login(session, limiter, settings, email, password, otp)
    issued = await issue_token(
        session,
        user,
        kind=TokenKind.ACCESS,
        name="POST /api/auth/login",
        lifetime=timedelta(days=settings.access_token_days),
    )
    org = await orgs_repository.get(session, user.org_id)
    assert org is not None  # users.org_id is a foreign key
    return LoggedIn(issued.secret, user.oid, user.email, user.full_name, org.oid, user.role)
