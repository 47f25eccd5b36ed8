from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base, CreatedAtMixin, DualIdMixin


class UserRole(enum.StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


class User(DualIdMixin, CreatedAtMixin, Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("org_id", "handle"),)

    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # Lower-cased; unique across organizations because a password login (POST /Token) names only the email.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    # Lower-cased, without the '@'; what people type in a note body to mention someone.
    handle: Mapped[str] = mapped_column(String(64))
    avatar_url: Mapped[str | None] = mapped_column(String(2000))
    role: Mapped[str] = mapped_column(String(16), default=UserRole.MEMBER)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Base32 TOTP secret (RFC 6238); set, POST /Token wants an `otp` too. NULL: two-factor is off.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # Set by an admin: sign-in, tokens and web sessions are refused from then on; the user's notes stay theirs.
    deactivated_at: Mapped[datetime | None]

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None
