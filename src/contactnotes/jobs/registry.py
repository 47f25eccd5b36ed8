"""Event type -> handlers, and periodic tasks. The composition root (wiring.py) builds one for the workers.

A handler receives an OutboxItem: the ids of what the event is about and the snapshot of the state it
announced (notes/events.py loads both for delivery). By the time it runs, the change that caused the event
has committed and may have been changed again since: what it tells is the snapshot, and whether it may tell
it at all is decided by the current rows.
Handlers may run more than once for one event (a worker can die after a handler succeeded), so each one is
idempotent or keeps its own bookkeeping (webhook deliveries are unique per event; emails are claimed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from contactnotes.db.engine import Database
from contactnotes.jobs.events import EventType
from contactnotes.settings import Settings


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int  # the outbox row: also the real-time stream's event id
    event_id: str  # stable across retries and redeliveries
    org_id: int
    type: str
    payload: dict[str, Any]
    created_at: datetime
    attempts: int
    snapshot: dict[str, Any] | None = None  # the state the event announces (notes/snapshots.py)
    request_id: str | None = None  # of the request that wrote the event


class Retry(Exception):
    """Raised by a handler that wants another try later, with its own bounds already checked."""

    def __init__(self, delay_seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.delay_seconds = delay_seconds
        self.reason = reason


@dataclass
class JobContext:
    """What handlers may use: the database, settings, and the services the composition root plugged in."""

    database: Database
    settings: Settings
    services: dict[str, Any] = field(default_factory=dict)

    def service(self, name: str) -> Any:
        return self.services[name]

    async def close(self) -> None:
        """Close the connections handlers opened lazily (HTTP, Redis clients)."""
        for name, service in list(self.services.items()):
            closer = getattr(service, "aclose", None)
            if closer is not None:
                await closer()
                del self.services[name]


Handler = Callable[[JobContext, OutboxItem], Awaitable[None]]
# A periodic task answers whether it enqueued events, so that the worker looks for them at once.
Task = Callable[[JobContext], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Periodic:
    name: str
    every_seconds: float
    run: Task


class Registry:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self.periodic: list[Periodic] = []

    def every(self, seconds: float, name: str, task: Task) -> None:
        self.periodic.append(Periodic(name, seconds, task))

    def add(self, types: Iterable[EventType], handler: Handler) -> None:
        for event_type in types:
            self._handlers[event_type.value].append(handler)

    def handlers_for(self, event_type: str) -> list[Handler]:
        return list(self._handlers.get(event_type, ()))
