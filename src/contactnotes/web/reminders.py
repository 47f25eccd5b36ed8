"""My reminders (overdue, coming up, done), and completing or dismissing one from that page or its note."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from contactnotes.http.deps import FilesDep, SessionDep
from contactnotes.kit.clock import utc_now
from contactnotes.notes import service as notes
from contactnotes.reminders import service as reminders

from . import team
from .route import Me, WebRoute, is_htmx, page
from .views import names_of, note_item

router = APIRouter(route_class=WebRoute, include_in_schema=False)

OPEN_SHOWN = 200
DONE_SHOWN = 50


@router.get("/reminders")
async def my_reminders(request: Request, session: SessionDep, me: Me) -> Response:
    active = await reminders.list_active(session, me.principal, mine=True, limit=OPEN_SHOWN)
    now = utc_now()
    context = {
        "me": me,
        "active": "reminders",
        "overdue": [r for r in active.items if r.is_past_due(now)],
        "upcoming": [r for r in active.items if not r.is_past_due(now)],
        "more_open": max(0, active.total - len(active.items)),
        "done": await reminders.list_done(session, me.principal, limit=DONE_SHOWN),
    }
    return page(request, "reminders.html", context)


async def _resolved(request: Request, session: SessionDep, files: FilesDep, me: Me, note_oid: str | None) -> Response:
    """From a note (htmx), the note again showing its reminder's new status; from the page, the page."""
    if not is_htmx(request) or note_oid is None:
        return RedirectResponse("/reminders", status_code=303)
    note = await notes.get_note(session, me.principal, note_oid)
    item = note_item(files, me.principal, note, names_of(await team.members(session, me.principal)))
    return page(request, "note.html", {"me": me, "item": item})


@router.post("/reminders/{reminder_oid}/complete")
async def complete(request: Request, reminder_oid: str, session: SessionDep, files: FilesDep, me: Me) -> Response:
    done = await reminders.complete(session, me.principal, reminder_oid)
    return await _resolved(request, session, files, me, done.note_oid)


@router.post("/reminders/{reminder_oid}/dismiss")
async def dismiss(request: Request, reminder_oid: str, session: SessionDep, files: FilesDep, me: Me) -> Response:
    done = await reminders.dismiss(session, me.principal, reminder_oid)
    return await _resolved(request, session, files, me, done.note_oid)
