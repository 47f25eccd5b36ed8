"""My account: name, @handle, avatar, password, and personal API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from contactnotes.auth import personal_tokens
from contactnotes.auth.personal_tokens import NewToken
from contactnotes.auth.sessions import SignedIn
from contactnotes.errors import DomainError
from contactnotes.http.deps import SessionDep
from contactnotes.users import account
from contactnotes.users import service as users

from . import team
from .admin_access import number_of, text_of
from .forms import errors_by_field
from .route import Me, WebRoute, form_of, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)

# What a redirect after a change says (by key, so no text from the address is ever shown).
DONE = {
    "profile": "Your profile is saved.",
    "password": "Your password is changed. Your other browsers are signed out; this one stays signed in.",
    "revoked": "The token is revoked: it is refused from now on.",
}


async def _page(
    request: Request,
    session: SessionDep,
    me: SignedIn,
    *,
    status_code: int = 200,
    profile: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    new_token: NewToken | None = None,
) -> Response:
    mine = await users.get_me(session, me.principal)
    context: dict[str, Any] = {
        "me": me,
        "active": "account",
        "user": mine.user,
        "profile": profile
        or {"name": mine.user.full_name, "handle": mine.user.handle, "avatar_url": mine.user.avatar_url or ""},
        "errors": errors or {},
        "tokens": await personal_tokens.list_mine(session, me.principal),
        "new_token": new_token,
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return page(request, "account.html", context, status_code=status_code)


@router.get("/account")
async def account_page(request: Request, session: SessionDep, me: Me) -> Response:
    return await _page(request, session, me)


@router.post("/account/profile")
async def save_profile(request: Request, session: SessionDep, me: Me) -> Response:
    form = await form_of(request)
    typed = {name: text_of(form, name) for name in ("name", "handle", "avatar_url")}
    try:
        await account.update_profile(
            session, me.principal, full_name=typed["name"], handle=typed["handle"], avatar_url=typed["avatar_url"]
        )
    except DomainError as exc:
        return await _page(request, session, me, status_code=422, profile=typed, errors=errors_by_field(exc))
    team.forget()  # pickers show the new name and handle at once in this process
    return RedirectResponse("/account?done=profile", status_code=303)


@router.post("/account/password")
async def change_password(request: Request, session: SessionDep, me: Me) -> Response:
    form = await form_of(request)
    current, new = text_of(form, "current_password"), text_of(form, "new_password")
    if new != text_of(form, "confirm_password"):
        errors = {"confirm_password": "The two new passwords differ"}
        return await _page(request, session, me, status_code=422, errors=errors)
    try:
        await account.change_password(session, me.principal, current=current, new=new, keep_session_id=me.session_id)
    except DomainError as exc:
        return await _page(request, session, me, status_code=422, errors=errors_by_field(exc))
    return RedirectResponse("/account?done=password", status_code=303)


@router.post("/account/tokens")
async def create_token(request: Request, session: SessionDep, me: Me) -> Response:
    """The secret is in this answer only: it is never stored, so no later page can show it."""
    form = await form_of(request)
    try:
        created = await personal_tokens.create(session, me.principal, text_of(form, "token_name"))
    except DomainError as exc:
        return await _page(request, session, me, status_code=422, errors=errors_by_field(exc))
    return await _page(request, session, me, status_code=201, new_token=created)


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: str, session: SessionDep, me: Me) -> Response:
    await personal_tokens.revoke(session, me.principal, number_of(token_id))
    return RedirectResponse("/account?done=revoked", status_code=303)
