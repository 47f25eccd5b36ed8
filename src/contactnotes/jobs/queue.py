"""Writing outbox rows in the caller's transaction: they commit with the change or vanish with it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.jobs.events import EventType
from contactnotes.kit.clock import utc_now
from contactnotes.models import OutboxEvent

# PostgreSQL delivers a NOTIFY only when (and if) the transaction that sent it commits: workers and stream
# hubs listening on this channel wake at once, and never for a change that rolled back.
NOTIFY_CHANNEL = "contactnotes_outbox"


async def enqueue(
    session: AsyncSession, org_id: int, event_type: EventType, *, available_at: datetime | None = None, **ids: Any
) -> str:
    """Record an event for the workers; returns its stable event id."""
    event_id = str(uuid.uuid4())
    now = utc_now()
    row_id = await session.scalar(
        insert(OutboxEvent)
        .values(
            event_id=event_id,
            org_id=org_id,
            type=event_type.value,
            payload=ids,
            created_at=now,
            available_at=available_at or now,
            attempts=0,
        )
        .returning(OutboxEvent.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_notify(NOTIFY_CHANNEL, str(row_id))))
    return event_id
