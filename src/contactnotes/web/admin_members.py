"""Members (admins only): add one, set the role, deactivate or reactivate, reset a password."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from contactnotes.auth.sessions import SignedIn
from contactnotes.errors import DomainError, NotFound
from contactnotes.http.deps import SessionDep
from contactnotes.users import members

from . import team
from .admin_access import Admin, text_of
from .forms import errors_by_field
from .route import WebRoute, form_of, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)

DONE = {
    "role": "The role is saved.",
    "deactivated": "The member is deactivated: signed out everywhere, their API tokens revoked. Their notes stay.",
    "reactivated": "The member can sign in again (their old API tokens stay revoked).",
}


async def _page(
    request: Request, session: SessionDep, me: SignedIn, *, status_code: int = 200, **extra: Any
) -> Response:
    listed = await members.list_all(session, me.principal)
    context: dict[str, Any] = {
        "me": me,
        "active": "admin",
        "section": "members",
        "members": listed.items,
        "form": {},
        "errors": {},
        "done": DONE.get(request.query_params.get("done", "")),
        **extra,
    }
    return page(request, "admin_members.html", context, status_code=status_code)


@router.get("/admin")
async def admin_home(me: Admin) -> Response:
    return RedirectResponse("/admin/members", status_code=303)


@router.get("/admin/members")
async def members_page(request: Request, session: SessionDep, me: Admin) -> Response:
    return await _page(request, session, me)


@router.post("/admin/members")
async def add_member(request: Request, session: SessionDep, me: Admin) -> Response:
    form = await form_of(request)
    typed = {name: text_of(form, name) for name in ("name", "email", "role")}
    try:
        added = await members.add_member(
            session,
            me.principal,
            full_name=typed["name"],
            email=typed["email"],
            role=typed["role"] or "member",
            password=text_of(form, "password") or None,
        )
    except DomainError as exc:
        return await _page(request, session, me, status_code=422, form=typed, errors=errors_by_field(exc))
    team.forget()
    return await _page(request, session, me, status_code=201, added=added)


@router.post("/admin/members/{user_oid}/role")
async def set_role(request: Request, user_oid: str, session: SessionDep, me: Admin) -> Response:
    form = await form_of(request)
    try:
        await members.set_role(session, me.principal, user_oid, text_of(form, "role"))
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return await _page(request, session, me, status_code=409, errors={"form": exc.message})
    return RedirectResponse("/admin/members?done=role", status_code=303)


@router.post("/admin/members/{user_oid}/deactivate")
async def deactivate(request: Request, user_oid: str, session: SessionDep, me: Admin) -> Response:
    try:
        await members.deactivate(session, me.principal, user_oid)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return await _page(request, session, me, status_code=409, errors={"form": exc.message})
    team.forget()
    return RedirectResponse("/admin/members?done=deactivated", status_code=303)


@router.post("/admin/members/{user_oid}/reactivate")
async def reactivate(request: Request, user_oid: str, session: SessionDep, me: Admin) -> Response:
    await members.reactivate(session, me.principal, user_oid)
    return RedirectResponse("/admin/members?done=reactivated", status_code=303)


@router.post("/admin/members/{user_oid}/password")
async def reset_password(request: Request, user_oid: str, session: SessionDep, me: Admin) -> Response:
    """The new password is in this answer only, for the admin to pass on."""
    member, password = await members.reset_password(session, me.principal, user_oid)
    return await _page(request, session, me, reset=(member, password))
