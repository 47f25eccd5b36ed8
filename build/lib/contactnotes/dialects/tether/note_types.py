"""The organization's note types: everyone reads them, admins add and remove them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, status
from pydantic import StringConstraints

from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep
from contactnotes.http.inputs import NoNulText
from contactnotes.orgs import service as orgs

from .errors import TetherRoute
from .wire import Envelope, ErrorOut, WireModel

router = APIRouter(prefix="/api", route_class=TetherRoute, tags=["Note Types"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad input; `errors` names each field at fault"},
    401: {"model": ErrorOut, "description": "Missing, malformed, unknown, expired or revoked token"},
    403: {"model": ErrorOut, "description": "Only an organization admin changes note types"},
}


class NoteTypeIn(WireModel, NoNulText):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]


class NoteTypeOut(WireModel):
    name: str


@router.get("/note-types", response_model=Envelope[list[NoteTypeOut]], responses={401: ERRORS[401]})
async def list_note_types(session: SessionDep, principal: PrincipalDep) -> Envelope[list[NoteTypeOut]]:
    """The organization's note types, in display order."""
    types = await orgs.list_note_types(session, principal.org_id)
    return Envelope(message="Note types", data=[NoteTypeOut(name=t.name) for t in types])


@router.post(
    "/note-types",
    status_code=status.HTTP_201_CREATED,
    response_model=Envelope[NoteTypeOut],
    responses={**ERRORS, 409: {"model": ErrorOut, "description": "A type of that name (any case) exists"}},
)
async def add_note_type(body: NoteTypeIn, session: SessionDep, principal: PrincipalDep) -> Envelope[NoteTypeOut]:
    """Add a note type (admins only)."""
    added = await orgs.add_note_type_as(session, principal, body.name)
    return Envelope(message="Note type added", data=NoteTypeOut(name=added.name))


@router.delete(
    "/note-types/{name}",
    response_model=Envelope[None],
    responses={**ERRORS, 404: {"model": ErrorOut, "description": "No such note type"}},
)
async def remove_note_type(name: str, session: SessionDep, principal: PrincipalDep) -> Envelope[None]:
    """Remove a note type (admins only); notes of that type keep it."""
    await orgs.remove_note_type_as(session, principal, name)
    return Envelope(message="Note type removed", data=None)
