"""Signing in and out. Failed passwords count against the same per-account window as POST /Token."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from contactnotes.auth import sessions
from contactnotes.errors import Forbidden, Unauthenticated
from contactnotes.http.deps import SessionDep, SettingsDep
from contactnotes.http.ratelimit import limiter_of
from contactnotes.users import signin

from .route import (
    CSRF_FIELD,
    CSRF_REFUSED,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Me,
    WebRoute,
    check_origin,
    form_of,
    page,
    set_cookie,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)

WRONG = "That email and password do not match an account."
OTP_NEEDED = "This account uses two-factor sign-in: enter your password and the code from your authenticator app."


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never another site after signing in (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _form(
    request: Request, *, email: str = "", error: str | None = None, status: int = 200, ask_otp: bool = False
) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = page(
        request,
        "login.html",
        {
            "email": email,
            "error": error,
            "ask_otp": ask_otp,
            "csrf": token,
            "next": _safe_next(request.query_params.get("next")),
        },
        status_code=status,
    )
    set_cookie(request, response, LOGIN_COOKIE, token, max_age=3600)
    return response


@router.get("/login")
async def login_page(request: Request, session: SessionDep) -> Response:
    try:
        await sessions.resolve(session, request.cookies.get(SESSION_COOKIE))
    except Unauthenticated:
        return _form(request)
    return RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)


@router.post("/login")
async def login(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    check_origin(request, settings)
    form = await form_of(request)
    presented, expected = str(form.get(CSRF_FIELD) or ""), request.cookies.get(LOGIN_COOKIE) or ""
    if not presented or not expected or not hmac.compare_digest(presented.encode(), expected.encode()):
        raise Forbidden(CSRF_REFUSED)
    email, password = str(form.get("email") or "").strip(), str(form.get("password") or "")
    if not email or not password:
        return _form(request, email=email, error="Enter your email and password.", status=400)
    try:
        otp = str(form.get("otp") or "") or None
        user = await signin.check_login(session, limiter_of(request), settings, email, password, otp)
    except signin.OtpRequired:
        return _form(request, email=email, error=OTP_NEEDED, status=400, ask_otp=True)
    except signin.TooManyAttempts as exc:
        minutes = max(1, round(exc.retry_after / 60))
        error = f"Too many failed attempts for this account; try again in {minutes} minutes."
        return _form(request, email=email, error=error, status=429)
    except signin.GrantError:
        return _form(request, email=email, error=WRONG, status=400)
    opened = await sessions.open_session(session, user, lifetime=timedelta(days=settings.web_session_days))
    response = RedirectResponse(_safe_next(str(form.get("next") or "")), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, opened.secret, max_age=opened.expires_at_seconds)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
async def logout(request: Request, session: SessionDep, me: Me) -> Response:
    await sessions.close_session(session, me)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    if request.headers.get("hx-request") == "true":
        response.headers["HX-Redirect"] = "/login"
    return response
