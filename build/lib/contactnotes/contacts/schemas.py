"""What the core tells about contacts: dialect-neutral views, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ContactView:
    id: int
    oid: str
    display_name: str
    email: str | None
    avatar_url: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ContactPage:
    items: list[ContactView]
    total: int
