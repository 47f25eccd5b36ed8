"""/api/contact-notes/{noteId}/history: a note's revisions, and restoring one (docs/tether-api.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep
from contactnotes.notes import history

from .deps import NoteId
from .mapping import history_out
from .presenter import PresenterDep
from .route import TetherRoute, errors
from .wire import Envelope, HistoryEnvelope, NoteOut, ObjectId

router = APIRouter(prefix="/api/contact-notes", route_class=TetherRoute, tags=["Contact Notes"])

# Each revision carries the body before and after it and a diff: pages are smaller than the timeline's.
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
RevisionId = Annotated[ObjectId, Path(alias="revisionId", description="The revision's _id.")]
_HIDDEN = {403: "The organization shows note history to its admins only, or (restore) the caller is neither the "
           "note's author nor an admin"}  # fmt: skip


@router.get("/{noteId}/history", response_model=HistoryEnvelope, responses=errors(403, 404, described=_HIDDEN))
async def get_contact_note_history(
    note_id: NoteId,
    session: SessionDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, 1-{MAX_LIMIT}.")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Revisions to skip.")] = 0,
) -> HistoryEnvelope:
    """A note's edits, newest first: who, when, the fields changed and a word diff of the body."""
    page = await history.history(session, principal, note_id, limit=limit, offset=offset)
    return history_out(page, limit=limit, offset=offset)


@router.post(
    "/{noteId}/history/{revisionId}/restore",
    response_model=Envelope[NoteOut],
    responses=errors(403, 404, described=_HIDDEN),
)
async def restore_contact_note_revision(
    note_id: NoteId, revision_id: RevisionId, session: SessionDep, principal: PrincipalDep, present: PresenterDep
) -> Envelope[NoteOut]:
    """Put the note back as it was before this revision (its author or an admin): a new edit, kept in the history."""
    view = await history.restore(session, principal, note_id, revision_id)
    return Envelope(message="Contact note restored", data=present.note(view))
