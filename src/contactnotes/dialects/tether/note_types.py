"""The organization's note types: everyone reads them, admins add and remove them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status
from pydantic import StringConstraints

from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep
from contactnotes.http.inputs import NoNulText
from contactnotes.orgs import service as orgs

from .route import TetherRoute, errors
from .wire import Envelope, WireModel

router = APIRouter(prefix="/api", route_class=TetherRoute, tags=["Note Types"])
ADMIN_ONLY = {403: "Only an organization admin changes note types"}


class NoteTypeIn(WireModel, NoNulText):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]


class NoteTypeOut(WireModel):
    name: str


@router.get("/note-types", response_model=Envelope[list[NoteTypeOut]], responses=errors())
async def list_note_types(session: SessionDep, principal: PrincipalDep) -> Envelope[list[NoteTypeOut]]:
    """The organization's note types, in display order."""
    types = await orgs.list_note_types(session, principal.org_id)
    return Envelope(message="Note types", data=[NoteTypeOut(name=t.name) for t in types])


@router.post(
    "/note-types",
    status_code=status.HTTP_201_CREATED,
    response_model=Envelope[NoteTypeOut],
    responses=errors(403, 409, described={**ADMIN_ONLY, 409: "A type of that name (any case) exists"}),
)
async def add_note_type(body: NoteTypeIn, session: SessionDep, principal: PrincipalDep) -> Envelope[NoteTypeOut]:
    """Add a note type (admins only)."""
    added = await orgs.add_note_type_as(session, principal, body.name)
    return Envelope(message="Note type added", data=NoteTypeOut(name=added.name))


@router.delete(
    "/note-types/{name}",
    response_model=Envelope[None],
    responses=errors(403, 404, described={**ADMIN_ONLY, 404: "No such note type"}),
)
async def remove_note_type(name: str, session: SessionDep, principal: PrincipalDep) -> Envelope[None]:
    """Remove a note type (admins only); notes of that type keep it."""
    await orgs.remove_note_type_as(session, principal, name)
    return Envelope(message="Note type removed", data=None)
