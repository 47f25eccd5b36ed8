"""Users of an organization."""

from __future__ import annotations

import re

from pydantic import EmailStr, TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth import sessions as web_sessions
from contactnotes.auth import totp
from contactnotes.auth.passwords import hash_password
from contactnotes.auth.principal import Principal
from contactnotes.errors import Conflict, Invalid, NotFound
from contactnotes.kit.clock import utc_now
from contactnotes.models import Organization, User, UserRole
from contactnotes.users import repository
from contactnotes.users.schemas import MemberPage, MemberView, MeView

HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
MIN_PASSWORD_LENGTH = 8
_email = TypeAdapter(EmailStr)


def normalize_email(email: str, field: str = "email") -> str:
    try:
        return _email.validate_python(email.strip()).lower()
    except ValidationError:
        raise Invalid.field(field, f"{email!r} is not a valid email address") from None


def _handle_base(email: str, full_name: str) -> str:
    candidate = re.sub(r"[^a-z0-9_.-]", "", email.split("@")[0].lower()).strip("._-")
    if not candidate:
        candidate = re.sub(r"[^a-z0-9]", "", full_name.lower()) or "user"
    return candidate[:56]


async def _free_handle(session: AsyncSession, org_id: int, base: str) -> str:
    handle, n = base, 1
    while await repository.handle_taken(session, org_id, handle):
        n += 1
        handle = f"{base}{n}"
    return handle


async def create_user(
    session: AsyncSession,
    org: Organization,
    *,
    email: str,
    full_name: str,
    handle: str | None = None,
    admin: bool = False,
    avatar_url: str | None = None,
    password: str | None = None,
    oid: str | None = None,
) -> User:
    email = normalize_email(email)
    full_name = " ".join(full_name.split())
    if not full_name:
        raise Invalid.field("name", "Full name must not be empty")
    if await repository.find_by_email(session, email) is not None:
        raise Conflict(f"A user with email {email} already exists")
    if handle is not None:
        handle = handle.lstrip("@").lower()
        if not HANDLE_RE.fullmatch(handle):
            raise Invalid.field(
                "handle", "A handle is 1-64 of a-z, 0-9, '_', '.', '-', starting with a letter or digit"
            )
        if await repository.handle_taken(session, org.id, handle):
            raise Conflict(f"Handle @{handle} is already taken in {org.name}")
    else:
        handle = await _free_handle(session, org.id, _handle_base(email, full_name))
    user = User(
        org_id=org.id,
        email=email,
        full_name=full_name,
        handle=handle,
        role=UserRole.ADMIN if admin else UserRole.MEMBER,
        avatar_url=avatar_url,
        password_hash=hash_password(password) if password else None,
        created_at=utc_now(),
    )
    if oid:
        user.oid = oid
    return await repository.add(session, user)


async def set_password(session: AsyncSession, email: str, password: str) -> User:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field("password", f"A password needs at least {MIN_PASSWORD_LENGTH} characters")
    user = await repository.find_by_email(session, email)
    if user is None:
        raise NotFound(f"No user with email {email}")
    user.password_hash = hash_password(password)
    await session.flush()
    # Whoever signed in with the old password is signed out everywhere.
    await web_sessions.revoke_all(session, user.id)
    return user


async def enable_totp(session: AsyncSession, email: str) -> tuple[User, str]:
    """Turn two-factor on (or give it a new secret): logins then need the current code as `otp`. Returns the
    secret, for the user's authenticator app."""
    user = await find_by_email(session, email)
    user.totp_secret = totp.new_secret()
    await session.flush()
    return user, user.totp_secret


async def disable_totp(session: AsyncSession, email: str) -> User:
    user = await find_by_email(session, email)
    user.totp_secret = None
    await session.flush()
    return user


async def find_by_email(session: AsyncSession, email: str) -> User:
    user = await repository.find_by_email(session, email)
    if user is None:
        raise NotFound(f"No user with email {email}")
    return user


MAX_AVATAR_URL = 2000


def check_avatar_url(url: str | None, field: str = "avatar_url") -> str | None:
    """An avatar is shown as an <img src>: only web addresses, never javascript: or data:."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    if not url.lower().startswith(("https://", "http://")) or len(url) > MAX_AVATAR_URL:
        raise Invalid.field(field, f"An avatar is an http(s) URL of at most {MAX_AVATAR_URL} characters")
    return url


def member_view(user: User) -> MemberView:
    return MemberView(
        id=user.id,
        oid=user.oid,
        full_name=user.full_name,
        email=user.email,
        handle=user.handle,
        avatar_url=user.avatar_url,
        is_admin=user.is_admin,
        created_at=user.created_at,
        active=user.is_active,
    )


async def users_of_org(session: AsyncSession, org_id: int) -> list[User]:
    """Every user of an organization, oldest first (an operator's view: the command line)."""
    return await repository.all_in_org(session, org_id)


async def get_me(session: AsyncSession, principal: Principal) -> MeView:
    found = await repository.get_with_org(session, principal.org_id, principal.user_id)
    if found is None:  # the token outlived its user
        raise NotFound("User not found")
    user, org = found
    return MeView(member_view(user), org.oid, org.name)


async def list_members(
    session: AsyncSession, principal: Principal, *, limit: int, offset: int, search: str | None = None
) -> MemberPage:
    """Active members of the caller's organization by name (for mention pickers: a deactivated member is not
    offered); `search` matches name, handle or email anywhere, ignoring case."""
    users, total = await repository.list_in_org(
        session, principal.org_id, limit=limit, offset=offset, search=(search or "").strip() or None
    )
    return MemberPage([member_view(u) for u in users], total)
