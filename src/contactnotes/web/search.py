"""The search box: notes found by what they say (search/service.py), across the organization or in one contact.

As-you-type requests (htmx) get the results only; a submitted form or a link gets the whole page.
"""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from contactnotes.contacts import service as contacts
from contactnotes.http.deps import SessionDep
from contactnotes.search import service as search
from contactnotes.search.schemas import SearchHit

from .route import Me, WebRoute, is_htmx, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)

RESULTS_PAGE = 20
RESULTS_TARGETS = {"search-results", "contact-search-results"}


def note_link(hit: SearchHit) -> str:
    """The note in its contact's timeline, narrowed to the note's day so that an old note is on the page
    the link opens (an unfiltered timeline shows only the newest notes) and the anchor lands on it."""
    note = hit.note
    day = note.note_date.astimezone(UTC).date().isoformat()
    return f"/contacts/{note.contact.oid}?from={day}&to={day}#note-{note.oid}"


def _more_url(query: str, contact_oid: str | None, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return "/search?" + urlencode({"q": query, **({"contactId": contact_oid} if contact_oid else {}), "cursor": cursor})


@router.get("/search")
async def search_notes(request: Request, session: SessionDep, me: Me) -> Response:
    query = request.query_params.get("q") or ""
    contact_oid = request.query_params.get("contactId") or None
    cursor = request.query_params.get("cursor") or None
    contact = await contacts.view_contact(session, me.principal, contact_oid) if contact_oid else None
    found = None
    if query.strip():
        found = await search.search(
            session, me.principal, query, contact_id=contact.oid if contact else None, limit=RESULTS_PAGE, cursor=cursor
        )
    context = {
        "me": me,
        "q": query,
        "contact": contact,
        "hits": [(hit, note_link(hit)) for hit in found.items] if found else [],
        "more_url": _more_url(query, contact_oid, found.next_cursor) if found else None,
        "searched": found is not None,
    }
    if is_htmx(request) and request.headers.get("hx-target") in RESULTS_TARGETS:
        return page(request, "search_results.html", context)
    return page(request, "search.html", context)
