"""Dialect-neutral views of a user's inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contactnotes.notes.schemas import ContactSummary, UserSummary

EXCERPT_LENGTH = 140


@dataclass(frozen=True, slots=True)
class NotificationView:
    id: int
    oid: str
    kind: str
    created_at: datetime
    read_at: datetime | None
    actor: UserSummary | None
    contact: ContactSummary | None
    note_oid: str | None
    note_excerpt: str | None


@dataclass(frozen=True, slots=True)
class NotificationPage:
    items: list[NotificationView]
    total: int
    unread: int
