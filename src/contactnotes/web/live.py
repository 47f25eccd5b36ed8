"""The page's live stream (server-sent events, htmx's SSE extension): one connection per signed-in page.

Every page receives the user's own notifications (a mention, a reminder come due): the bell fetches its
count again and a toast says who and where. An open contact timeline also receives that contact's note
changes: new, edited and deleted notes and reactions, each rendered for the viewer by the templates the
page itself uses. Whom an event may reach is decided by the stream hub with the one visibility rule.

Every event carries its outbox id. A reconnecting browser names the last one it received (Last-Event-ID, or
`after` when the page script had to open a new connection), and what it missed is replayed first; a page
connects the first time with the position it was rendered at, so nothing written in between is lost. The
page inserts notes by id, so a note replayed and received live is shown once. Each connection lasts a few
minutes and the browser then reconnects, which checks the session again: a signed-out or revoked session
stops receiving within that time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from contactnotes.attachments.files import Files
from contactnotes.auth.sessions import SignedIn
from contactnotes.contacts import service as contacts
from contactnotes.http.deps import FilesDep, SessionDep
from contactnotes.jobs.events import EventType
from contactnotes.realtime.events import StreamEvent
from contactnotes.realtime.hub import StreamHub

from . import team
from .route import Me, WebRoute
from .templates import templates
from .views import names_of, note_item

KEEPALIVE_SECONDS = 15
CONNECTION_SECONDS = 300
RECONNECT_MILLIS = 2000
MAX_EVENT_ID = 2**63 - 1  # outbox ids are BIGINT

NOTE_CHANGES = {
    EventType.NOTE_CREATED.value: "note_created",
    EventType.NOTE_UPDATED.value: "note_updated",
    EventType.REACTION_TOGGLED.value: "note_updated",
    EventType.NOTE_DELETED.value: "note_deleted",
}
NOTIFICATIONS = (EventType.USER_MENTIONED.value, EventType.REMINDER_DUE.value)

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _event(event_id: int, name: str, html: str) -> str:
    data = "\n".join(f"data: {line}" for line in html.strip().splitlines())
    return f"id: {event_id}\nevent: {name}\n{data}\n\n"


class _Renderer:
    """One viewer's events as the page shows them: rendered with the viewer's own controls and names."""

    def __init__(self, files: Files, me: SignedIn, contact_oid: str | None, names: dict[str, str]) -> None:
        self.files, self.me, self.contact_oid, self.names = files, me, contact_oid, names

    def render(self, event: StreamEvent) -> str | None:
        if event.type in NOTIFICATIONS and event.notification is not None:
            html = templates.get_template("toast.html").render(n=event.notification)
            return _event(event.id, "notification", html)
        name = NOTE_CHANGES.get(event.type)
        note = event.note
        if name is None or note is None or self.contact_oid not in {c.oid for c in note.all_contacts}:
            return None
        if event.type == EventType.NOTE_DELETED:
            return _event(event.id, name, templates.get_template("note_gone.html").render(note=note))
        item = note_item(self.files, self.me.principal, note, self.names)
        html = templates.get_template("note.html").render(item=item, me=self.me)
        return _event(event.id, name, html)


async def _stream(hub: StreamHub, renderer: _Renderer, after: int | None) -> AsyncIterator[str]:
    # Subscribe before replaying, so nothing committed in between falls through the gap.
    listener = await hub.subscribe(renderer.me.principal)
    deadline = time.monotonic() + CONNECTION_SECONDS
    try:
        yield f"retry: {RECONNECT_MILLIS}\n: connected\n\n"
        if after is not None:
            for event in await hub.replay(renderer.me.principal, after):
                if listener.first_time(event.id) and (sent := renderer.render(event)):
                    yield sent
        while time.monotonic() < deadline:
            try:
                event = await asyncio.wait_for(listener.queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if listener.first_time(event.id) and (sent := renderer.render(event)):
                yield sent
    finally:
        hub.unsubscribe(listener)


def _event_id(*values: str | None) -> int | None:
    """The first value that is an event id; anything else (not ASCII digits, past BIGINT) is ignored, as
    a browser's stale or foreign value must not stop the page from receiving what comes next."""
    for value in values:
        text = (value or "").strip()
        if text.isascii() and text.isdigit() and int(text) <= MAX_EVENT_ID:
            return int(text)
    return None


@router.get("/live")
async def live(
    request: Request,
    session: SessionDep,
    files: FilesDep,
    me: Me,
    contact: str | None = Query(default=None, max_length=64),
    after: str | None = Query(default=None, max_length=32),
    last_event_id: str | None = Header(default=None, alias="Last-Event-ID"),
) -> StreamingResponse:
    """The signed-in user's notifications, and with `contact` that contact's note changes."""
    contact_oid = (await contacts.view_contact(session, me.principal, contact)).oid if contact else None
    names = names_of(await team.members(session, me.principal)) if contact_oid else {}
    hub: StreamHub = request.app.state.stream_hub
    return StreamingResponse(
        _stream(hub, _Renderer(files, me, contact_oid, names), _event_id(last_event_id, after)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
