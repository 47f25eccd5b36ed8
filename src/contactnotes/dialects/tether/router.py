"""TetherAI-compatible contact notes API: parse, call one service function, render."""

from __future__ import annotations

from fastapi import APIRouter, status

from contactnotes.attachments import service as attachments
from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import FilesDep, SessionDep
from contactnotes.notes import service as notes

from .errors import TetherRoute
from .mapping import note_out, to_note_create
from .wire import Envelope, ErrorOut, NoteCreateIn, NoteOut

ERRORS = {
    400: {"model": ErrorOut, "description": "Bad input; `errors` names each field at fault"},
    401: {"model": ErrorOut, "description": "Missing, malformed, unknown, expired or revoked token"},
    404: {"model": ErrorOut, "description": "No such object in the caller's organization"},
    413: {"model": ErrorOut, "description": "Request body over 1 MB"},
    500: {"model": ErrorOut, "description": "Unexpected failure (no internals are shown)"},
    503: {"model": ErrorOut, "description": "Database unavailable; retry after `Retry-After` seconds"},
}

router = APIRouter(prefix="/api", route_class=TetherRoute, tags=["Contact Notes"])


@router.post(
    "/contact-notes",
    status_code=status.HTTP_201_CREATED,
    response_model=Envelope[NoteOut],
    responses=ERRORS,
)
async def create_contact_note(
    body: NoteCreateIn, session: SessionDep, principal: PrincipalDep, files: FilesDep
) -> Envelope[NoteOut]:
    """Create a new contact note. Mentioned users are notified."""
    view = attachments.sign_view(files, await notes.create_note(session, principal, to_note_create(body)))
    return Envelope(message="Contact note created", data=note_out(view))
