from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base, CreatedAtMixin, DualIdMixin
from contactnotes.db.types import BigIntPK


class ImportedNote(CreatedAtMixin, Base):
    """Which note a row of another system's export became: a re-run finds it here and skips the row.

    Unique per organization and source, so two systems' ids never collide; erased with the note (cascade)."""

    __tablename__ = "imported_notes"
    __table_args__ = (UniqueConstraint("org_id", "source", "external_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"))
    source: Mapped[str] = mapped_column(String(16))  # hubspot, pipedrive, salesforce, csv
    external_id: Mapped[str] = mapped_column(String(255))
    note_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("notes.id", ondelete="CASCADE"), index=True)


class ContactExternalId(CreatedAtMixin, Base):
    """A contact's id in another system, so imported notes find their contact without an e-mail."""

    __tablename__ = "contact_external_ids"
    __table_args__ = (UniqueConstraint("org_id", "source", "external_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"))
    source: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(255))
    contact_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("contacts.id", ondelete="CASCADE"), index=True)


class ErasureRecord(DualIdMixin, Base):
    """What an erasure removed (counts and ids, never content), by whom and when: the audit trail of GDPR
    art. 17 requests, kept after the contact is gone."""

    __tablename__ = "erasure_records"

    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"), index=True)
    contact_id: Mapped[int] = mapped_column(BigInteger)  # no foreign key: the contact is gone
    contact_oid: Mapped[str] = mapped_column(String(24))
    # The user who asked (API) or None with `erased_by` naming the operator (CLI).
    erased_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    erased_by: Mapped[str] = mapped_column(String(320))
    erased_at: Mapped[datetime]
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    ids: Mapped[dict[str, Any]] = mapped_column(JSON)
