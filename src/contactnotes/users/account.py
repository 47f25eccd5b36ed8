"""What a signed-in user changes of their own account: name, @handle, avatar and password."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth import sessions as web_sessions
from contactnotes.auth.passwords import hash_password, verify_password
from contactnotes.auth.principal import Principal
from contactnotes.errors import Conflict, FieldProblem, Invalid, NotFound
from contactnotes.models import User
from contactnotes.users import repository
from contactnotes.users.schemas import MemberView
from contactnotes.users.service import HANDLE_RE, MIN_PASSWORD_LENGTH, check_avatar_url, member_view

MAX_NAME = 200
MAX_PASSWORD = 1000  # argon2 takes any length; this bounds the work a request can ask for


async def _me(session: AsyncSession, principal: Principal) -> User:
    user = await repository.get_in_org(session, principal.org_id, principal.user_id)
    if user is None:
        raise NotFound("User not found")
    return user


def check_new_password(password: str, field: str = "password") -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field(field, f"A password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD:
        raise Invalid.field(field, f"A password has at most {MAX_PASSWORD} characters")
    return password


async def check_handle(session: AsyncSession, org_id: int, handle: str, *, user_id: int | None = None) -> str:
    handle = handle.strip().lstrip("@").lower()
    if not HANDLE_RE.fullmatch(handle):
        raise Invalid.field("handle", "A handle is 1-64 of a-z, 0-9, '_', '.', '-', starting with a letter or digit")
    owner = await repository.find_by_handle(session, org_id, handle)
    if owner is not None and owner.id != user_id:
        message = f"@{handle} is already someone else's handle"
        raise Conflict(message, [FieldProblem("handle", message, "TAKEN")])
    return handle


async def update_profile(
    session: AsyncSession, principal: Principal, *, full_name: str, handle: str, avatar_url: str | None
) -> MemberView:
    """A new name, @handle or avatar. Notes that mentioned the old handle keep the mention (it is stored by
    user); only new notes are written with the new one."""
    user = await _me(session, principal)
    name = " ".join(full_name.split())
    if not name or len(name) > MAX_NAME:
        raise Invalid.field("name", f"A name needs 1 to {MAX_NAME} characters")
    user.handle = await check_handle(session, principal.org_id, handle, user_id=user.id)
    user.full_name = name
    user.avatar_url = check_avatar_url(avatar_url)
    await session.flush()
    return member_view(user)


async def change_password(
    session: AsyncSession, principal: Principal, *, current: str, new: str, keep_session_id: int | None
) -> int:
    """Checks the current password, stores the new one, and ends every other web session of the user (whoever
    knew the old password is signed out); the session asking (`keep_session_id`) stays signed in. API tokens
    are not touched: they are revoked one by one. Returns how many sessions ended."""
    user = await _me(session, principal)
    if not verify_password(user.password_hash, current):
        raise Invalid.field("current_password", "That is not your current password")
    user.password_hash = hash_password(check_new_password(new, "new_password"))
    await session.flush()
    return await web_sessions.revoke_all(session, user.id, except_session_id=keep_session_id)
