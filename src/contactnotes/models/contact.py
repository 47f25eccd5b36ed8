from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base, CreatedAtMixin, DualIdMixin


class Contact(DualIdMixin, CreatedAtMixin, Base):
    __tablename__ = "contacts"
    # The web app's contact list: by name, a keyset page at a time.
    __table_args__ = (Index("ix_contacts_org_name", "org_id", "display_name", "id"),)

    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(320))
    avatar_url: Mapped[str | None] = mapped_column(String(2000))
