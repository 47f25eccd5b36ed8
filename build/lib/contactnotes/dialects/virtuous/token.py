"""POST /Token: Virtuous's OAuth endpoint (password and refresh_token grants), answered as the real API does.

Errors follow RFC 6749 section 5.2 ({"error": "invalid_grant", "error_description": ...}), as the real
ASP.NET OAuth server answers, plus the top-level `message` every Virtuous error carries.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import JSONResponse

from contactnotes.auth import oauth
from contactnotes.http.deps import SessionDep, SettingsDep
from contactnotes.http.inputs import NUL, NUL_MESSAGE
from contactnotes.http.ratelimit import limiter_of

from .errors import VirtuousPublicRoute
from .mapping import token_out
from .wire import TokenErrorOut, TokenOut

router = APIRouter(route_class=VirtuousPublicRoute, tags=["Virtuous: Authentication"])


def _oauth_error(status: int, code: str, description: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": code, "error_description": description, "message": description}
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store", **(headers or {})})


@router.post(
    "/Token",
    response_model=TokenOut,
    responses={
        400: {"model": TokenErrorOut, "description": "invalid_request, invalid_grant or unsupported_grant_type"},
        429: {"model": TokenErrorOut, "description": "Too many failed attempts for this account; see Retry-After"},
    },
)
async def token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    grant_type: Annotated[str | None, Form()] = None,
    username: Annotated[str | None, Form()] = None,
    password: Annotated[str | None, Form()] = None,
    refresh_token: Annotated[str | None, Form()] = None,
) -> Response:
    """Trade an email and password, or a refresh token, for an access token (form-encoded)."""
    fields = {"grant_type": grant_type, "username": username, "password": password, "refresh_token": refresh_token}
    for name, value in fields.items():
        if value is not None and NUL in value:  # PostgreSQL cannot even look such a name up
            return _oauth_error(400, "invalid_request", f"{name} {NUL_MESSAGE}")
    try:
        if grant_type == oauth.PASSWORD:
            granted = await oauth.password_grant(session, limiter_of(request), settings, username, password)
        elif grant_type == oauth.REFRESH_TOKEN:
            granted = await oauth.refresh_grant(session, settings, refresh_token)
        elif not grant_type:
            return _oauth_error(400, "invalid_request", "grant_type is required")
        else:
            return _oauth_error(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
    except oauth.GrantError as exc:
        return _oauth_error(400, exc.code, exc.message)
    except oauth.TooManyAttempts as exc:
        return _oauth_error(429, "too_many_attempts", exc.message, {"Retry-After": str(exc.retry_after)})
    body = token_out(granted).model_dump(mode="json", by_alias=True)
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
