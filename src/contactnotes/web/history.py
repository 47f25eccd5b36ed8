"""A note's history page (its edits, newest first, each with a word diff) and restoring a version."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from contactnotes.errors import Invalid
from contactnotes.http.deps import SessionDep
from contactnotes.notes import history

from .route import Me, WebRoute, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)

HISTORY_PAGE = 20
# How each field's value reads on the page (the body has its diff instead).
FIELD_LABELS = {
    "body": "Text", "type": "Type", "important": "Important", "is_private": "Private",
    "time_spent_minutes": "Time spent", "note_date": "Date",
}  # fmt: skip


def _offset(request: Request) -> int:
    raw = request.query_params.get("offset", "0")
    if not raw.isdigit() or len(raw) > 7:
        raise Invalid.field("offset", "offset is a number of edits to skip")
    return int(raw)


@router.get("/notes/{note_oid}/history")
async def note_history(request: Request, note_oid: str, session: SessionDep, me: Me) -> Response:
    offset = _offset(request)
    found = await history.history(session, me.principal, note_oid, limit=HISTORY_PAGE, offset=offset)
    older = offset + len(found.items) < found.total
    context = {
        "me": me,
        "page": found,
        "note": found.note,
        "labels": FIELD_LABELS,
        "older_url": f"?{urlencode({'offset': offset + HISTORY_PAGE})}" if older else None,
        "newer_url": f"?{urlencode({'offset': max(offset - HISTORY_PAGE, 0)})}" if offset else None,
        "restored": request.query_params.get("restored") == "1",
    }
    return page(request, "note_history.html", context)


@router.post("/notes/{note_oid}/history/{revision_oid}/restore")
async def restore_version(note_oid: str, revision_oid: str, session: SessionDep, me: Me) -> Response:
    """Restore the version before an edit (a new edit), then show the history with it on top."""
    note = await history.restore(session, me.principal, note_oid, revision_oid)
    return RedirectResponse(f"/notes/{note.oid}/history?restored=1", status_code=303)
