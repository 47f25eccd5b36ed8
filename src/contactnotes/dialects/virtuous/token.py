"""POST /Token: Virtuous's OAuth endpoint (password and refresh_token grants), answered as the real API does.

The body is read as a form whatever the Content-Type says: a widely used Ruby client sends a form string
labelled application/json, and a recorded client sends no Content-Type at all. A JSON object is taken too.

Errors follow RFC 6749 section 5.2 ({"error": "invalid_grant", "error_description": ...}), as the real
ASP.NET OAuth server answers, plus the top-level `message` every Virtuous error carries. A two-factor account
whose password is right but whose `otp` is missing is answered 202 (the vendor's signal to send `otp`).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response

from contactnotes.http.deps import SessionDep, SettingsDep
from contactnotes.http.inputs import NUL, NUL_MESSAGE
from contactnotes.http.ratelimit import limiter_of
from contactnotes.users import signin

from .mapping import token_out
from .route import VirtuousJSONResponse, VirtuousPublicRoute
from .wire import TokenErrorOut, TokenOut

router = APIRouter(route_class=VirtuousPublicRoute, tags=["Virtuous: Authentication"])
FIELDS = ("grant_type", "username", "password", "refresh_token", "otp")
FORM = "application/x-www-form-urlencoded"
_FORM_SCHEMA = {
    "type": "object",
    "properties": {
        "grant_type": {"type": "string", "enum": ["password", "refresh_token"]},
        "username": {"type": "string", "description": "Email (password grant)"},
        "password": {"type": "string", "format": "password"},
        "refresh_token": {"type": "string", "description": "refresh_token grant"},
        "otp": {"type": "string", "description": "The current one-time code, for two-factor accounts"},
    },
    "required": ["grant_type"],
}
# The form is parsed by the endpoint (below), so FastAPI does not document it: the document says so itself.
REQUEST_BODY = {"requestBody": {"required": True, "content": {FORM: {"schema": _FORM_SCHEMA}}}}


class BadBody(ValueError):
    pass


def _oauth_error(status: int, code: str, description: str, headers: dict[str, str] | None = None) -> Response:
    body = {"error": code, "error_description": description, "message": description}
    return VirtuousJSONResponse(body, status_code=status, headers={"Cache-Control": "no-store", **(headers or {})})


async def read_fields(request: Request) -> dict[str, str]:
    """The grant's fields from a form (urlencoded or multipart) or a JSON object, whatever the label."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        return {k: v for k, v in form.items() if k in FIELDS and isinstance(v, str)}
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("The body is not UTF-8 text") from None
    if text.lstrip().startswith("{"):
        try:
            document: Any = json.loads(text)
        except (ValueError, RecursionError):  # deep nesting exhausts the parser's stack
            raise BadBody("The body is neither a form nor a JSON object") from None
        if not isinstance(document, dict):
            raise BadBody("The body is neither a form nor a JSON object")
        return {k: str(v) for k, v in document.items() if k in FIELDS and isinstance(v, str | int)}
    return {k: v for k, v in parse_qsl(text, keep_blank_values=True) if k in FIELDS}


@router.post(
    "/Token",
    response_model=TokenOut,
    openapi_extra=REQUEST_BODY,
    responses={
        202: {"model": TokenErrorOut, "description": "Two-factor account: send the same request with `otp`"},
        400: {"model": TokenErrorOut, "description": "invalid_request, invalid_grant or unsupported_grant_type"},
        413: {"model": TokenErrorOut, "description": "Request body over the size limit"},
        429: {"model": TokenErrorOut, "description": "Too many failed attempts for this account; see Retry-After"},
    },
)
async def token(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Trade an email and password (and `otp`), or a refresh token, for an access token (form-encoded)."""
    try:
        fields = await read_fields(request)
    except BadBody as exc:
        return _oauth_error(400, "invalid_request", str(exc))
    for name, value in fields.items():
        if NUL in value:  # PostgreSQL cannot even look such a name up
            return _oauth_error(400, "invalid_request", f"{name} {NUL_MESSAGE}")
    grant_type = fields.get("grant_type")
    try:
        if grant_type == signin.PASSWORD:
            granted = await signin.password_grant(
                session,
                limiter_of(request),
                settings,
                fields.get("username"),
                fields.get("password"),
                fields.get("otp"),
            )
        elif grant_type == signin.REFRESH_TOKEN:
            granted = await signin.refresh_grant(session, settings, fields.get("refresh_token"))
        elif not grant_type:
            return _oauth_error(400, "invalid_request", "grant_type is required")
        else:
            return _oauth_error(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
    except signin.OtpRequired as exc:
        return _oauth_error(202, "otp_required", exc.message)
    except signin.GrantError as exc:
        return _oauth_error(400, exc.code, exc.message)
    except signin.TooManyAttempts as exc:
        return _oauth_error(429, "too_many_attempts", exc.message, {"Retry-After": str(exc.retry_after)})
    body = token_out(granted).model_dump(mode="json", by_alias=True)
    return VirtuousJSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
