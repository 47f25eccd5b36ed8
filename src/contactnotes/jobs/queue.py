"""Writing outbox rows in the caller's transaction: they commit with the change or vanish with it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.db.core import table_of
from contactnotes.jobs.events import EventType
from contactnotes.kit.clock import utc_now
from contactnotes.models import OutboxEvent
from contactnotes.observability.context import current_request_id

# On PostgreSQL a trigger on outbox_events (migration 0007) NOTIFYs this channel with each new row's id.
# The notification is delivered only when (and if) the inserting transaction commits: workers and stream
# hubs listening on it wake at once, never for a change that rolled back, and the writer pays no round trip.
NOTIFY_CHANNEL = "contactnotes_outbox"
_INSERT = insert(table_of(OutboxEvent))  # Core, built once (db/core.py)


@dataclass(frozen=True, slots=True)
class Event:
    type: EventType
    ids: dict[str, Any] = field(default_factory=dict)
    # The state the event announces, as JSON-ready core view data (notes/snapshots.py): taken now, in the
    # change's transaction, so a later edit cannot change what this event says.
    snapshot: dict[str, Any] | None = None


def outbox_rows(org_id: int, events: Sequence[Event], *, available_at: datetime | None = None) -> list[dict[str, Any]]:
    """The outbox rows of these events, in order, each with its stable event id: for enqueue_many, and for a
    repository that writes a change and its events in one statement (notes.repository.write_created)."""
    now = utc_now()
    request_id = current_request_id()  # the request (or job) that caused them: its jobs' log lines name it
    return [
        {
            "event_id": str(uuid.uuid4()),
            "org_id": org_id,
            "type": event.type.value,
            "payload": event.ids,
            "snapshot": event.snapshot,
            "created_at": now,
            "available_at": available_at or now,
            "attempts": 0,
            "request_id": request_id,
        }
        for event in events
    ]


async def enqueue_many(
    session: AsyncSession, org_id: int, events: Sequence[Event], *, available_at: datetime | None = None
) -> list[str]:
    """Record events for the workers in one statement; returns their stable event ids, in order."""
    if not events:
        return []
    rows = outbox_rows(org_id, events, available_at=available_at)
    # executemany of one cached statement: the drivers send the rows in one round trip, in order.
    await session.execute(_INSERT, rows)
    return [str(row["event_id"]) for row in rows]


async def enqueue(
    session: AsyncSession,
    org_id: int,
    event_type: EventType,
    *,
    available_at: datetime | None = None,
    snapshot: dict[str, Any] | None = None,
    **ids: Any,
) -> str:
    """Record one event for the workers; returns its stable event id."""
    return (await enqueue_many(session, org_id, [Event(event_type, ids, snapshot)], available_at=available_at))[0]
