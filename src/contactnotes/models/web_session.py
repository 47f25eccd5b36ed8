from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base, CreatedAtMixin
from contactnotes.db.types import BigIntPK


class WebSession(CreatedAtMixin, Base):
    """A signed-in browser. The cookie holds a secret of which only a SHA-256 is kept here; the CSRF token
    is per session and sent back by the page in a header or form field on every unsafe request."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"))
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
