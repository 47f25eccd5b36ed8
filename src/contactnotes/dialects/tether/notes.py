"""/api/contact-notes: parse, call one notes service function, render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep
from contactnotes.http.errors import RequestRefused
from contactnotes.notes import service as notes

from .deps import NoteId, PagingDep
from .mapping import to_note_create, to_note_update
from .presenter import PresenterDep
from .route import TetherRoute, errors
from .wire import DeletedOut, Envelope, NoteCreateIn, NoteListEnvelope, NoteOut, NoteUpdateIn, ObjectId, ReactionIn

router = APIRouter(prefix="/api/contact-notes", route_class=TetherRoute, tags=["Contact Notes"])

LINKS_REFUSED = {
    422: "`contactIds` refused: it leaves out the primary contact (`contactId`), is empty (the last contact "
    "cannot be unlinked), or names what is no contact of the caller's organization (`contactIds[i]`)"
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Envelope[NoteOut],
    responses=errors(404, 422, described=LINKS_REFUSED),
)
async def create_contact_note(
    body: NoteCreateIn, session: SessionDep, principal: PrincipalDep, present: PresenterDep
) -> Envelope[NoteOut]:
    """Create a new contact note. Mentioned users are notified."""
    view = await notes.create_note(session, principal, to_note_create(body))
    return Envelope(message="Contact note created", data=present.note(view))


@router.get("", response_model=NoteListEnvelope, responses=errors(404))
async def list_contact_notes(
    session: SessionDep,
    principal: PrincipalDep,
    present: PresenterDep,
    contact_id: Annotated[ObjectId, Query(alias="contactId", description="The contact whose notes to list.")],
    paging: PagingDep,
    cursor: Annotated[
        str | None, Query(max_length=200, description="`pagination.nextCursor` of the previous page.")
    ] = None,
) -> NoteListEnvelope:
    """Get all notes for a contact with pagination, newest note date first."""
    if cursor and paging.offset:
        raise RequestRefused.field("cursor", "Send either cursor or offset, not both", "CONFLICTING_PARAMETERS")
    page = await notes.list_notes(
        session, principal, contact_id, limit=paging.limit, offset=paging.offset, cursor=cursor or None
    )
    return present.page(page, limit=paging.limit, offset=paging.offset)


@router.get("/{noteId}", response_model=Envelope[NoteOut], responses=errors(404))
async def get_contact_note(
    note_id: NoteId, session: SessionDep, principal: PrincipalDep, present: PresenterDep
) -> Envelope[NoteOut]:
    """Get one contact note."""
    view = await notes.get_note(session, principal, note_id)
    return Envelope(message="Contact note retrieved", data=present.note(view))


@router.patch("/{noteId}", response_model=Envelope[NoteOut], responses=errors(403, 404, 422, described=LINKS_REFUSED))
async def update_contact_note(
    note_id: NoteId, body: NoteUpdateIn, session: SessionDep, principal: PrincipalDep, present: PresenterDep
) -> Envelope[NoteOut]:
    """Update a contact note (its author only). Users the edit newly mentions are notified."""
    view, _ = await notes.update_note(session, principal, note_id, to_note_update(body))
    return Envelope(message="Contact note updated", data=present.note(view))


@router.delete("/{noteId}", response_model=Envelope[DeletedOut], responses=errors(403, 404))
async def delete_contact_note(note_id: NoteId, session: SessionDep, principal: PrincipalDep) -> Envelope[DeletedOut]:
    """Delete a contact note (its author or an organization admin). It is not found from then on."""
    view = await notes.delete_note(session, principal, note_id)
    return Envelope(message="Contact note deleted", data=DeletedOut(id=view.oid))


@router.post("/{noteId}/reaction", response_model=Envelope[NoteOut], responses=errors(404))
async def toggle_contact_note_reaction(
    note_id: NoteId, body: ReactionIn, session: SessionDep, principal: PrincipalDep, present: PresenterDep
) -> Envelope[NoteOut]:
    """Toggle the caller's emoji reaction: the first call adds it, the same call again removes it."""
    view = await notes.toggle_reaction(session, principal, note_id, body.emoji)
    return Envelope(message="Reaction toggled", data=present.note(view))
