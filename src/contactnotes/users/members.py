"""An organization's admins manage its members: add, set the role, deactivate, reset a password.

Every use case looks the member up in the caller's organization first (another organization's member is not
found, whoever asks) and then requires an admin. The organization always keeps one active admin: the last one
can neither step down nor deactivate themselves.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth import repository as tokens_repository
from contactnotes.auth import sessions as web_sessions
from contactnotes.auth.passwords import hash_password
from contactnotes.auth.principal import Principal
from contactnotes.errors import Conflict, Forbidden, Invalid, NotFound
from contactnotes.kit.clock import utc_now
from contactnotes.models import User, UserRole
from contactnotes.orgs import repository as orgs_repository
from contactnotes.users import repository
from contactnotes.users.account import check_new_password
from contactnotes.users.schemas import MemberPage, MemberView
from contactnotes.users.service import create_user, member_view

ROLES = (UserRole.MEMBER.value, UserRole.ADMIN.value)
LAST_ADMIN = "You are the organization's last admin: make another member an admin first."
MEMBERS_SHOWN = 500


@dataclass(frozen=True, slots=True)
class AddedMember:
    member: MemberView
    password: str | None  # the generated first password, shown to the admin once; None when they chose it


def _require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("Only an organization admin manages members")


async def _member(session: AsyncSession, principal: Principal, oid: str) -> User:
    user = await repository.get_by_oid_in_org(session, principal.org_id, oid.lower())
    if user is None:
        raise NotFound("Member not found")
    _require_admin(principal)
    return user


async def list_all(session: AsyncSession, principal: Principal) -> MemberPage:
    """Every member by name, deactivated ones included (marked)."""
    _require_admin(principal)
    users, total = await repository.list_in_org(
        session, principal.org_id, limit=MEMBERS_SHOWN, offset=0, with_deactivated=True
    )
    return MemberPage([member_view(u) for u in users], total)


async def add_member(
    session: AsyncSession, principal: Principal, *, full_name: str, email: str, role: str, password: str | None
) -> AddedMember:
    """A new member who signs in with the password given here, or with one made here and shown once."""
    _require_admin(principal)
    role = _check_role(role)
    generated = None
    if password:
        check_new_password(password)
    else:
        password = generated = secrets.token_urlsafe(12)
    org = await orgs_repository.get(session, principal.org_id)
    assert org is not None  # the caller's own organization
    user = await create_user(
        session, org, email=email, full_name=full_name, admin=role == UserRole.ADMIN, password=password
    )
    return AddedMember(member_view(user), generated)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise Invalid.field("role", f"role is one of {', '.join(ROLES)}")
    return role


async def _keeps_an_admin(session: AsyncSession, principal: Principal, user: User) -> None:
    """Refuses a change that would leave no active admin (only an admin acting on themselves can cause it:
    any other admin who acts is still one afterwards)."""
    if user.is_admin and user.is_active and await repository.admin_count(session, principal.org_id) <= 1:
        raise Conflict(LAST_ADMIN)


async def set_role(session: AsyncSession, principal: Principal, oid: str, role: str) -> MemberView:
    user = await _member(session, principal, oid)
    role = _check_role(role)
    if role != UserRole.ADMIN:
        await _keeps_an_admin(session, principal, user)
    user.role = role
    await session.flush()
    return member_view(user)


async def deactivate(session: AsyncSession, principal: Principal, oid: str) -> MemberView:
    """The member is signed out at once: every web session and API token of theirs is revoked in this
    transaction (the very next request is refused), and signing in is refused. Their notes stay, attributed
    to them."""
    user = await _member(session, principal, oid)
    await _keeps_an_admin(session, principal, user)
    if user.is_active:
        now = utc_now()
        user.deactivated_at = now
        await session.flush()
        await web_sessions.revoke_all(session, user.id)
        await tokens_repository.revoke_all_of_user(session, org_id=principal.org_id, user_id=user.id, at=now)
    return member_view(user)


async def reactivate(session: AsyncSession, principal: Principal, oid: str) -> MemberView:
    """Sign-in works again; tokens revoked on deactivation stay revoked."""
    user = await _member(session, principal, oid)
    user.deactivated_at = None
    await session.flush()
    return member_view(user)


async def reset_password(session: AsyncSession, principal: Principal, oid: str) -> tuple[MemberView, str]:
    """A new password made here, shown to the admin once to pass on; the member's web sessions end."""
    user = await _member(session, principal, oid)
    password = secrets.token_urlsafe(12)
    user.password_hash = hash_password(password)
    await session.flush()
    await web_sessions.revoke_all(session, user.id)
    return member_view(user), password
