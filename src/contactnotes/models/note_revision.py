from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base, DualIdMixin


class NoteRevision(DualIdMixin, Base):
    """One edit of a note: who made it and when, and the note's body and fields as they were *before* it
    (docs/data.md). The state after an edit is the next revision's, or the note itself for the latest, so
    creating a note writes nothing here and notes edited before history was kept need no back-fill."""

    __tablename__ = "note_revisions"
    # One number per edit of a note (1, 2, ...): the history lists them newest first by this key.
    __table_args__ = (UniqueConstraint("note_id", "number"),)

    # A note is soft-deleted, and its revisions are deleted with it then (notes/service.py); the cascade
    # covers any removal of the row itself.
    note_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("notes.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"))
    number: Mapped[int] = mapped_column(Integer)
    edited_by_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    edited_at: Mapped[datetime]
    body: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(100))
    important: Mapped[bool]
    is_private: Mapped[bool]
    time_spent_minutes: Mapped[int | None] = mapped_column(Integer)
    note_date: Mapped[datetime]
