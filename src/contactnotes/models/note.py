from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base, CreatedAtMixin, DualIdMixin
from contactnotes.db.types import BigIntPK


class NoteType(CreatedAtMixin, Base):
    """A per-organization note type (Virtuous's Call, Email, ...)."""

    __tablename__ = "note_types"
    __table_args__ = (UniqueConstraint("org_id", "name_folded"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(100))
    # casefold()ed name: type names match ignoring case.
    name_folded: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Note(DualIdMixin, CreatedAtMixin, Base):
    __tablename__ = "notes"
    __table_args__ = (
        # Serves a contact's timeline, newest first, at the same cost for any history length. The last three
        # columns are what visibility checks, so an OFFSET walk is an index-only scan (migration 0009).
        Index("ix_notes_timeline", "org_id", "contact_id", "note_date", "id", "is_private", "author_id", "deleted_at"),
        # The organization's latest notes across contacts (the web app's home page).
        Index("ix_notes_org_recent", "org_id", "created_at", "id"),
        # Search over a whole organization, newest first: for a common word, walking this index and testing each
        # note beats collecting every match (migration 0015; the full-text indexes themselves are unmapped, see
        # db/unmapped.py).
        Index("ix_notes_org_date", "org_id", "note_date", "id"),
        # A timeline's total is the contact's public-note counter plus the viewer's own private notes,
        # which this small index counts (see ContactNoteCount).
        Index(
            "ix_notes_private_by_author",
            "contact_id",
            "author_id",
            postgresql_where=text("is_private AND deleted_at IS NULL"),
            sqlite_where=text("is_private = 1 AND deleted_at IS NULL"),  # as SQLAlchemy writes it there
        ),
    )

    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"))
    contact_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("contacts.id"))
    author_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    modified_by_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(100))
    important: Mapped[bool] = mapped_column(default=False)
    is_private: Mapped[bool] = mapped_column(default=False)
    time_spent_minutes: Mapped[int | None] = mapped_column(Integer)
    note_date: Mapped[datetime]
    updated_at: Mapped[datetime]
    is_edited: Mapped[bool] = mapped_column(default=False)
    # Notes are soft-deleted so clean-up jobs can find their files; every read treats them as absent.
    deleted_at: Mapped[datetime | None]


class NoteAttachment(Base):
    __tablename__ = "note_attachments"
    # Every click on a download link asks whether a live note still carries the key.
    __table_args__ = (Index("ix_note_attachments_key", "key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    note_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(1024))
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(255))


class NoteContact(Base):
    """A contact a note is about. Every note has its primary contact (notes.contact_id) here too, written by
    a trigger on notes (migration 0018), and any number of others linked besides (a meeting with three
    people). A contact's timeline is the notes whose primary contact it is (ix_notes_timeline) plus the
    notes linked to it besides (ix_note_contacts_linked), so the common path keeps its index."""

    __tablename__ = "note_contacts"
    __table_args__ = (Index("ix_note_contacts_linked", "contact_id", "is_primary", "note_id"),)

    note_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"))
    is_primary: Mapped[bool] = mapped_column(default=False)


class NoteMention(CreatedAtMixin, Base):
    __tablename__ = "note_mentions"

    note_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), primary_key=True)


class NoteReaction(CreatedAtMixin, Base):
    __tablename__ = "note_reactions"

    note_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True)
    emoji: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), primary_key=True)


class ContactNoteCount(Base):
    """How many live public notes a contact has (and how many of them are important), kept by database
    triggers on notes (migration 0008) and on note_contacts for the contacts a note is linked to besides its
    primary one (migration 0018), so a timeline's total costs the same at any history length.

    Each contact's count is spread over STRIPES rows (by note id) so that concurrent writers of one
    contact's notes rarely wait on the same row; a read sums the stripes."""

    __tablename__ = "contact_note_counts"

    STRIPES = 8

    contact_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    stripe: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    public_notes: Mapped[int] = mapped_column(BigInteger, default=0)
    public_important: Mapped[int] = mapped_column(BigInteger, default=0)
