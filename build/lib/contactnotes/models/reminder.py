from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base, CreatedAtMixin, DualIdMixin


class ReminderStatus(enum.StrEnum):
    ACTIVE = "Active"
    COMPLETED = "Completed"
    DISMISSED = "Dismissed"


class Reminder(DualIdMixin, CreatedAtMixin, Base):
    """A follow-up owed by a user, usually carried by a note (the note's `reminder`)."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_owner_status", "org_id", "owner_id", "status", "target_date"),
        Index("ix_reminders_contact_status", "org_id", "contact_id", "status", "target_date"),
        Index("ix_reminders_due", "status", "due_notified_at", "target_date"),
    )

    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"))
    # At most one reminder per note.
    note_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("notes.id", ondelete="CASCADE"), unique=True)
    contact_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("contacts.id"))
    owner_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(String(1000))
    description: Mapped[str | None] = mapped_column(Text)
    target_date: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=ReminderStatus.ACTIVE)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    # Set once, by the worker that claims the due reminder: the owner is told exactly once.
    due_notified_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
