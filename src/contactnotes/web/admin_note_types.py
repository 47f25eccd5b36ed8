"""Note types (admins only): add, rename, remove; the page says what each does to existing notes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from contactnotes.auth.sessions import SignedIn
from contactnotes.errors import DomainError, NotFound
from contactnotes.http.deps import SessionDep
from contactnotes.notes import note_types
from contactnotes.orgs import service as orgs

from . import team
from .admin_access import Admin, number_of, text_of
from .route import WebRoute, form_of, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)


async def _page(
    request: Request, session: SessionDep, me: SignedIn, *, status_code: int = 200, **extra: Any
) -> Response:
    query = request.query_params
    done = None
    if query.get("done") == "added":
        done = "The type is added."
    elif query.get("done") == "renamed":
        done = f"Renamed; {query.get('notes', '0')} notes now have the new name."
    elif query.get("done") == "removed":
        done = f"Removed; {query.get('notes', '0')} notes keep the old name."
    if done is not None and not query.get("notes", "0").isdigit():
        done = None  # only numbers are shown back from the address
    context: dict[str, Any] = {
        "me": me,
        "active": "admin",
        "section": "note_types",
        "types": await note_types.usage(session, me.principal),
        "errors": {},
        "form": {},
        "done": done,
        **extra,
    }
    return page(request, "admin_note_types.html", context, status_code=status_code)


@router.get("/admin/note-types")
async def note_types_page(request: Request, session: SessionDep, me: Admin) -> Response:
    return await _page(request, session, me)


@router.post("/admin/note-types")
async def add_type(request: Request, session: SessionDep, me: Admin) -> Response:
    form = await form_of(request)
    name = text_of(form, "name")
    try:
        await orgs.add_note_type_as(session, me.principal, name)
    except DomainError as exc:
        return await _page(request, session, me, status_code=422, form={"name": name}, errors={"name": exc.message})
    team.forget()
    return RedirectResponse("/admin/note-types?done=added", status_code=303)


@router.post("/admin/note-types/{type_id}/rename")
async def rename_type(request: Request, type_id: str, session: SessionDep, me: Admin) -> Response:
    form = await form_of(request)
    ident = number_of(type_id)
    try:
        _, renamed = await note_types.rename(session, me.principal, ident, text_of(form, "name"))
    except NotFound:
        raise
    except DomainError as exc:
        errors = {f"rename-{ident}": exc.message}
        return await _page(request, session, me, status_code=422, errors=errors)
    team.forget()
    return RedirectResponse("/admin/note-types?" + urlencode({"done": "renamed", "notes": renamed}), status_code=303)


@router.post("/admin/note-types/{type_id}/delete")
async def remove_type(request: Request, type_id: str, session: SessionDep, me: Admin) -> Response:
    _, kept = await note_types.remove(session, me.principal, number_of(type_id))
    team.forget()
    return RedirectResponse("/admin/note-types?" + urlencode({"done": "removed", "notes": kept}), status_code=303)
