"""What the core tells about users: dialect-neutral views, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MemberView:
    id: int
    oid: str
    full_name: str
    email: str
    handle: str
    avatar_url: str | None
    is_admin: bool
    created_at: datetime
    active: bool = True  # False: deactivated by an admin (their notes stay theirs)


@dataclass(frozen=True, slots=True)
class MeView:
    user: MemberView
    org_oid: str
    org_name: str


@dataclass(frozen=True, slots=True)
class MemberPage:
    items: list[MemberView]
    total: int


@dataclass(frozen=True, slots=True)
class UserSummary:
    id: int
    oid: str
    full_name: str
    email: str
    avatar_url: str | None
