"""/api/contact-notes/search: parse, call the search service, render. Mounted before the notes router, so
that "search" is never read as a note id."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.exceptions import HTTPException

from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep
from contactnotes.search import service as search
from contactnotes.search.ranking import RANKED_CANDIDATES
from contactnotes.search.schemas import MAX_LIMIT, MAX_QUERY_LENGTH, SearchOrder

from .mapping import search_page_out
from .presenter import PresenterDep
from .route import TetherRoute, errors
from .wire import ObjectId, SearchEnvelope

router = APIRouter(prefix="/api/contact-notes", route_class=TetherRoute, tags=["Contact Notes"])

QUERY_LANGUAGE = """What to find. Words must all match, each also as a prefix (`revi` finds "review"); case and
accents are ignored (`ecole` finds "École"); text written without spaces (Chinese, Japanese, Korean) is matched
character by character.

| Write | To find notes |
| --- | --- |
| `budget review` | with both words |
| `"tax return"` | with the exact phrase |
| `-draft`, `-"old plan"` | without the word or phrase |
| `w2 OR 1099` | with either term |
| `author:@alice`, `author:me` | written by that person |
| `type:call` | of that note type |
| `contact:<id>` | about that contact (its `_id`) |
| `is:important`, `is:private` | flagged important; your own private notes |
| `has:file` | with attachments |
| `mentions:me` | that mention you |
| `before:2026-01-31`, `after:2026-01-01` | dated before that day; on or after that day (UTC) |

The note's text, its files' names and the text of its PDF, DOCX, ODT, plain-text and CSV files are searched
(a file's text a few seconds after it is attached). Anything not well-formed is read as plain words: a query
is never an error."""


@router.get("/search", response_model=SearchEnvelope, responses=errors(404))
async def search_contact_notes(
    session: SessionDep,
    principal: PrincipalDep,
    present: PresenterDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH, description=QUERY_LANGUAGE)],
    contact_id: Annotated[
        ObjectId | None, Query(alias="contactId", description="Search this contact's notes only.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, 1-{MAX_LIMIT}.")] = 25,
    cursor: Annotated[
        str | None, Query(max_length=200, description="`pagination.nextCursor` of the previous page.")
    ] = None,
    sort: Annotated[
        SearchOrder,
        Query(
            description="`newest`: newest note date first, every match. `relevance`: best match first (BM25), "
            f"among the newest {RANKED_CANDIDATES} matches."
        ),
    ] = SearchOrder.NEWEST,
) -> SearchEnvelope:
    """Search the notes you can see, newest or best match first; each hit has a snippet and where it matched."""
    page = await search.search(
        session, principal, q, contact_id=contact_id, limit=limit, cursor=cursor or None, order=sort
    )
    signed = [hit if not hit.note.attachments else replace(hit, note=present.signed(hit.note)) for hit in page.items]
    return search_page_out(replace(page, items=signed), limit=limit)


@router.api_route("/search", methods=["POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
async def search_other_methods() -> None:
    """Without this, PATCH and DELETE on /search would reach the note routes as a note id "search"."""
    raise HTTPException(405, "Method Not Allowed", headers={"Allow": "GET, HEAD"})
