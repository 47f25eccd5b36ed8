from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base, CreatedAtMixin, DualIdMixin
from contactnotes.db.types import BigIntPK


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first try or a retry
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # permanent answer, or retries used up


class WebhookSubscription(DualIdMixin, CreatedAtMixin, Base):
    """An organization's receiver of events, in the wire format of the dialect that created it."""

    __tablename__ = "webhook_subscriptions"

    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    # Which dialect renders the payloads: "tether" or "virtuous".
    format: Mapped[str] = mapped_column(String(16))
    payload_url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(200))
    # Event type values (jobs.events.EventType) this receiver wants.
    event_types: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime]


class WebhookDelivery(DualIdMixin, CreatedAtMixin, Base):
    """One event owed to one subscription, and what happened when it was sent (the delivery log)."""

    __tablename__ = "webhook_deliveries"
    # One delivery per (subscription, event): a fan-out run twice never sends an event twice.
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),
        Index("ix_webhook_deliveries_log", "subscription_id", "id"),
    )

    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"))
    subscription_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(64))
    # The exact bytes sent (rendered once), so retries and redeliveries repeat the same message.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When this round of tries began (creation, or the last redeliver): retries stop at a maximum age from it.
    requested_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime | None]
    response_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]


class WebhookDeliveryAttempt(Base):
    """One HTTP attempt of a delivery: the delivery log shows each (a redelivery adds one)."""

    __tablename__ = "webhook_delivery_attempts"
    __table_args__ = (Index("ix_webhook_delivery_attempts_delivery", "delivery_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("webhook_deliveries.id", ondelete="CASCADE"))
    attempted_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # delivered, or failed (retried or not)
    response_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
