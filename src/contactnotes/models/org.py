from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base, CreatedAtMixin, DualIdMixin


class Organization(DualIdMixin, CreatedAtMixin, Base):
    __tablename__ = "organizations"

    # Unique so that the CLI can address an organization by name as well as by ObjectId.
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # IANA name (Europe/Paris). Virtuous answers dates as this zone's calendar days and reads zone-less input in it.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # Who may read a note's edit history: "everyone" who can see the note, or "admins" only (docs/data.md).
    history_visibility: Mapped[str] = mapped_column(String(16), default="everyone", server_default="everyone")
