"""Writing outbox rows in the caller's transaction: they commit with the change or vanish with it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.jobs.events import EventType
from contactnotes.kit.clock import utc_now
from contactnotes.models import OutboxEvent


async def enqueue(session: AsyncSession, org_id: int, event_type: EventType, **ids: Any) -> str:
    """Record an event for the workers; returns its stable event id."""
    event_id = str(uuid.uuid4())
    now = utc_now()
    await session.execute(
        insert(OutboxEvent).values(
            event_id=event_id,
            org_id=org_id,
            type=event_type.value,
            payload=ids,
            created_at=now,
            available_at=now,
            attempts=0,
        )
    )
    return event_id
