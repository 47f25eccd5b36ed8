from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base, CreatedAtMixin, DualIdMixin


class NotificationKind(enum.StrEnum):
    MENTION = "mention"
    REMINDER_DUE = "reminder_due"


class EmailStatus(enum.StrEnum):
    SENT = "sent"  # mailed on its own
    HELD = "held"  # over the hourly cap: waits for the digest
    DIGESTED = "digested"  # mailed as part of a digest
    SKIPPED = "skipped"  # not mailed (no SMTP, no address, or the recipient may not see the note)


class Notification(DualIdMixin, CreatedAtMixin, Base):
    """One row of a user's inbox: the source of truth that email, webhooks and the stream deliver from."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_inbox", "user_id", "read_at", "id"),)

    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))  # the recipient
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    note_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("contacts.id"))
    reminder_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("reminders.id", ondelete="CASCADE"), index=True
    )
    read_at: Mapped[datetime | None]
    # Email bookkeeping (notifications/email.py): claimed with a conditional update, so mailed at most once.
    email_status: Mapped[str | None] = mapped_column(String(16))
    emailed_at: Mapped[datetime | None]
