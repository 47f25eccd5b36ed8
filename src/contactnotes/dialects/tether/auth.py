"""TetherAI's Authentication tag: POST /api/auth/login and GET /api/auth/verify-token.

These two answer in the shape TetherAI documents for them ({"token", "user"}; {"message": "Token is good"};
401 {"error": "Invalid or expired token"}), not in the {success, message, errors} envelope of the other routes:
every failure here is {"error": "..."}.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from fastapi import APIRouter, Body, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field, StringConstraints

from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep, SettingsDep
from contactnotes.http.errors import ErrorRenderer, Failure
from contactnotes.http.inputs import NoNulText
from contactnotes.http.ratelimit import limiter_of
from contactnotes.users import signin

from .route import TetherRoute
from .wire import WireModel

INVALID_TOKEN = "Invalid or expired token"  # noqa: S105 (TetherAI's words, not a secret)


class AuthErrorOut(WireModel):
    error: str


def render_error(request: Request, failure: Failure) -> Response:
    # Whatever was wrong with a token, TetherAI's answer is one sentence.
    message = INVALID_TOKEN if failure.status == 401 else failure.message
    return JSONResponse({"error": message}, status_code=failure.status, headers=failure.headers)


class TetherAuthRoute(TetherRoute):
    renderer: ClassVar[ErrorRenderer] = staticmethod(render_error)


class TetherLoginRoute(TetherAuthRoute):
    """No token yet, so no user to count against: the account's login lockout (shared with POST /Token) holds."""

    rate_limited = False


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "Missing or malformed email or password",
        401: "Wrong email or password (or token), or a one-time code is needed",
        429: "Too many failed logins for this account; see Retry-After",
    }
    return {status: {"model": AuthErrorOut, "description": descriptions[status]} for status in statuses}


login_router = APIRouter(prefix="/api/auth", route_class=TetherLoginRoute, tags=["Auth"])
verify_router = APIRouter(prefix="/api/auth", route_class=TetherAuthRoute, tags=["Auth"])


class LoginIn(WireModel, NoNulText):
    email: Annotated[str, StringConstraints(min_length=1, max_length=320)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    otp: Annotated[str, StringConstraints(max_length=12)] | None = Field(
        default=None, description="The current one-time code, for accounts with two-factor on"
    )


class LoginUserOut(WireModel):
    id: str = Field(description="The user's _id")
    email: str
    full_name: str = Field(alias="fullName")
    organization_id: str = Field(alias="organizationId")
    access_role: str = Field(alias="accessRole", description="admin or member")


class LoginOut(WireModel):
    token: str = Field(description="Send as Authorization: Bearer <token> on every route")
    user: LoginUserOut


class VerifiedOut(WireModel):
    message: str


@login_router.post("/login", response_model=LoginOut, responses=_errors(400, 401, 429))
async def login(
    request: Request, session: SessionDep, settings: SettingsDep, body: Annotated[LoginIn, Body()]
) -> Response:
    """Log in with email and password; answers a bearer token and the user."""
    try:
        done = await signin.login(session, limiter_of(request), settings, body.email, body.password, body.otp)
    except signin.OtpRequired as exc:
        return JSONResponse({"error": exc.message}, status_code=401)
    except signin.GrantError as exc:
        return JSONResponse({"error": exc.message}, status_code=401 if exc.code == "invalid_grant" else 400)
    except signin.TooManyAttempts as exc:
        return JSONResponse({"error": exc.message}, status_code=429, headers={"Retry-After": str(exc.retry_after)})
    user = LoginUserOut(
        id=done.user_oid,
        email=done.email,
        full_name=done.full_name,
        organization_id=done.org_oid,
        access_role=done.role,
    )
    body_out = LoginOut(token=done.token, user=user).model_dump(mode="json", by_alias=True)
    return JSONResponse(body_out, headers={"Cache-Control": "no-store"})


@verify_router.get("/verify-token", response_model=VerifiedOut, responses=_errors(401))
async def verify_token(principal: PrincipalDep) -> VerifiedOut:
    """Whether the bearer token is good."""
    return VerifiedOut(message="Token is good")
