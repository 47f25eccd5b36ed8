"""Dialect-neutral inputs and outputs for reminders (a follow-up a note carries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contactnotes.auth.principal import Principal
from contactnotes.models.reminder import ReminderStatus
from contactnotes.notes.schemas import ContactSummary, UserSummary

MAX_MESSAGE_LENGTH = 1000
MAX_DESCRIPTION_LENGTH = 10_000


@dataclass(slots=True)
class ReminderInput:
    message: str
    target_date: datetime
    owner: int | str | None = None  # user id or ObjectId; None: the note's author
    description: str | None = None


@dataclass(slots=True)
class ReminderView:
    id: int
    oid: str
    note_id: int | None
    note_oid: str | None
    contact: ContactSummary
    owner: UserSummary
    message: str
    description: str | None
    target_date: datetime
    status: str
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def is_unresolved(self) -> bool:
        return self.status == ReminderStatus.ACTIVE

    def is_past_due(self, now: datetime) -> bool:
        return self.is_unresolved and self.target_date < now

    def can_be_completed_by(self, principal: Principal) -> bool:
        """Only the owner or an organization admin completes or dismisses a reminder."""
        return principal.user_id == self.owner.id or principal.is_admin


@dataclass(frozen=True, slots=True)
class ReminderPage:
    items: list[ReminderView]
    total: int
