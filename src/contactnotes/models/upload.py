from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base, CreatedAtMixin
from contactnotes.db.types import BigIntPK


class UploadStatus(enum.StrEnum):
    PENDING = "pending"  # presigned, bytes not yet confirmed
    RECEIVED = "received"  # local store: a signed PUT delivered the bytes and used up the grant; not yet checked
    STORED = "stored"  # bytes in storage, size and type checked; may be attached


class Upload(CreatedAtMixin, Base):
    """A stored object an organization may attach to notes. Keys are made by the server, never the client."""

    __tablename__ = "uploads"
    __table_args__ = (Index("ix_uploads_cleanup", "attached_at", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(1024), unique=True)
    name: Mapped[str] = mapped_column(String(255))  # the user's file name: metadata only
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(255))  # sniffed from the bytes
    status: Mapped[str] = mapped_column(String(16), default=UploadStatus.PENDING)
    # Last time a note took it (null: never); `contactnotes cleanup` removes uploads never attached and,
    # after a grace period, those no live note carries any more. Every attach refreshes it, so an attach
    # racing the clean-up takes the row out of the clean-up's condition.
    attached_at: Mapped[datetime | None]
    # The note the file belongs to once attached (null: not attached yet, the uploader's). It never changes
    # after that: no other note may take the key, and a deleted note's files stay with it, dead.
    note_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("notes.id"))
