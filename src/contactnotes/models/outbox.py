from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base, CreatedAtMixin
from contactnotes.db.types import BigIntPK


class OutboxEvent(CreatedAtMixin, Base):
    """A side effect owed after commit, written in the same transaction as the change that causes it.

    Rolled back with that change; claimed by workers with compare-and-set (SKIP LOCKED on PostgreSQL).
    """

    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_pending", "processed_at", "available_at", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    # Stable across retries and redeliveries: receivers de-duplicate on it.
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"), index=True)
    type: Mapped[str] = mapped_column(String(64))
    # Ids: what the event is about, for routing and for the visibility check at delivery.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The state the event announces, taken in the change's transaction as core view data (notes/snapshots.py),
    # so every dialect renders what was true then. NULL on rows written before snapshots existed.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # The X-Request-ID of the request that wrote the event (or of the job that did): its jobs log it.
    request_id: Mapped[str | None] = mapped_column(String(64))
