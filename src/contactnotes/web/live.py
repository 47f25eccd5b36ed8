"""A contact's timeline, live: notes others write appear at its top (server-sent events, htmx's SSE extension).

The stream carries rendered notes, built from the events the stream hub already filters by who may see them.
Each connection lasts a few minutes and the browser then reconnects, which checks the session again: a
signed-out or revoked session stops receiving within that time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from contactnotes.attachments.files import Files
from contactnotes.auth.sessions import SignedIn
from contactnotes.contacts import service as contacts
from contactnotes.http.deps import FilesDep, SessionDep
from contactnotes.jobs.events import EventType
from contactnotes.realtime.hub import StreamHub

from . import team
from .route import Me, WebRoute
from .templates import templates
from .views import QUICK_EMOJI, names_of, note_item

KEEPALIVE_SECONDS = 15
CONNECTION_SECONDS = 300
RECONNECT_MILLIS = 3000

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _event(name: str, html: str) -> str:
    data = "\n".join(f"data: {line}" for line in html.strip().splitlines())
    return f"event: {name}\n{data}\n\n"


async def _notes(
    hub: StreamHub, files: Files, me: SignedIn, contact_oid: str, names: dict[str, str]
) -> AsyncIterator[str]:
    listener = await hub.subscribe(me.principal)
    note_template = templates.get_template("note.html")
    deadline = time.monotonic() + CONNECTION_SECONDS
    try:
        yield f"retry: {RECONNECT_MILLIS}\n: connected\n\n"
        while time.monotonic() < deadline:
            try:
                event = await asyncio.wait_for(listener.queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            note = event.note
            if event.type != EventType.NOTE_CREATED or note is None:
                continue
            if contact_oid not in {c.oid for c in note.all_contacts}:  # a note shows on each contact's timeline
                continue
            if note.author.id == me.principal.user_id or not listener.first_time(event.id):
                continue  # the author's own page already shows it
            item = note_item(files, me.principal, note, names)
            yield _event("note", note_template.render(item=item, me=me, emoji=QUICK_EMOJI))
    finally:
        hub.unsubscribe(listener)


@router.get("/contacts/{contact_oid}/live")
async def live(request: Request, contact_oid: str, session: SessionDep, files: FilesDep, me: Me) -> StreamingResponse:
    contact = await contacts.view_contact(session, me.principal, contact_oid)
    members = await team.members(session, me.principal)
    hub: StreamHub = request.app.state.stream_hub
    return StreamingResponse(
        _notes(hub, files, me, contact.oid, names_of(members)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
