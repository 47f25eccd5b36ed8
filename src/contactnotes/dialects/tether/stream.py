"""GET /api/notifications/stream: the caller's notifications and note changes, as server-sent events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from contactnotes.auth.principal import Principal
from contactnotes.http.auth import PrincipalDep
from contactnotes.jobs.events import EventType
from contactnotes.kit.clock import iso_millis
from contactnotes.realtime.events import NotificationView, StreamEvent
from contactnotes.realtime.hub import StreamHub

from .mapping import note_out
from .route import TetherRoute, errors

KEEPALIVE_SECONDS = 15
RECONNECT_MILLIS = 2000
SSE_NAMES = {
    EventType.NOTE_CREATED.value: "note_created",
    EventType.NOTE_UPDATED.value: "note_updated",
    EventType.REACTION_TOGGLED.value: "note_updated",
    EventType.NOTE_DELETED.value: "note_deleted",
    EventType.USER_MENTIONED.value: "notification",
    EventType.REMINDER_DUE.value: "notification",
}

router = APIRouter(prefix="/api/notifications", route_class=TetherRoute, tags=["Notifications"])


def _note(view: Any) -> dict[str, Any] | None:
    return note_out(view).model_dump(by_alias=True) if view is not None else None


def notification_out(view: NotificationView) -> dict[str, Any]:
    return {
        "_id": view.oid,
        "kind": view.kind,
        "read": view.read_at is not None,
        "createdAt": iso_millis(view.created_at),
        "actor": {"_id": view.actor.oid, "fullName": view.actor.full_name} if view.actor else None,
        "contactId": view.contact_oid,
        "note": _note(view.note),
        "reminder": {
            "_id": view.reminder.oid,
            "message": view.reminder.message,
            "targetDate": iso_millis(view.reminder.target_date),
        }
        if view.reminder
        else None,
    }


def sse(event: StreamEvent) -> str:
    name = SSE_NAMES[event.type]
    if event.notification is not None:
        data = notification_out(event.notification)
    elif event.type == EventType.NOTE_DELETED and event.note is not None:
        note = event.note
        data = {"_id": note.oid, "contactId": note.contact.oid, "contactIds": [c.oid for c in note.all_contacts]}
    else:
        data = _note(event.note) or {}
    return f"id: {event.id}\nevent: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _events(hub: StreamHub, principal: Principal, last_event_id: int | None) -> AsyncIterator[str]:
    # Subscribe before replaying, so nothing committed in between falls through the gap.
    listener = await hub.subscribe(principal)
    try:
        yield f"retry: {RECONNECT_MILLIS}\n: connected\n\n"
        if last_event_id is not None:
            for event in await hub.replay(principal, last_event_id):
                if listener.first_time(event.id):
                    yield sse(event)
        while True:
            try:
                event = await asyncio.wait_for(listener.queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if listener.first_time(event.id):
                yield sse(event)
    finally:
        hub.unsubscribe(listener)


MAX_EVENT_ID = 2**63 - 1  # event ids are BIGINT


def _last_id(*values: str | None) -> int | None:
    """The first value that is an event id; anything else (not ASCII digits, or past BIGINT) is ignored."""
    for value in values:
        text = (value or "").strip()
        if text.isascii() and text.isdigit() and int(text) <= MAX_EVENT_ID:
            return int(text)
    return None


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "Server-sent events, until the client leaves"},
        **errors(400, always=(401, 503), described={400: "A query parameter holds a NUL character"}),
    },
)
async def stream(
    request: Request,
    principal: PrincipalDep,
    last_event_id: str | None = Header(default=None, alias="Last-Event-ID"),
    last_event_id_query: str | None = Query(default=None, alias="lastEventId"),
) -> StreamingResponse:
    """Server-sent events: `notification` for the caller, and `note_created`/`note_updated`/`note_deleted`."""
    hub: StreamHub = request.app.state.stream_hub
    return StreamingResponse(
        _events(hub, principal, _last_id(last_event_id, last_event_id_query)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
