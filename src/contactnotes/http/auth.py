"""Bearer token to Principal: the same for every dialect (each renders the 401 in its own shape)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPBearer, OAuth2PasswordBearer
from fastapi.security.base import SecurityBase

from contactnotes.auth import service as auth
from contactnotes.auth.principal import Principal
from contactnotes.http.deps import settings_of
from contactnotes.http.transaction import claim_idempotency_key, current_transaction

# The two ways to send a token, as the OpenAPI document names them: http/openapi.py lists them on every operation
# that depends on current_principal. They are not dependencies themselves (FastAPI would solve them on every
# request only to describe them); the header is checked by auth.authenticate, for precise reasons.
bearer = HTTPBearer(auto_error=False, description="Bearer <token> from `contactnotes token create`")
# The other way to get a token: POST /Token (email and password). Its access tokens work on every route.
password_login = OAuth2PasswordBearer(
    tokenUrl="/Token",
    scheme_name="PasswordLogin",
    auto_error=False,
    description="Access token from POST /Token (grant_type=password), sent as Bearer <token>",
)
SECURITY_SCHEMES: tuple[SecurityBase, ...] = (bearer, password_login)


async def current_principal(request: Request) -> Principal:
    """Who the bearer token speaks for. The session and settings are read off the request (http/deps.py says
    why)."""
    settings = settings_of(request)
    principal = await auth.authenticate(
        current_transaction(request).session(),
        request.headers.get("authorization"),
        touch_interval=timedelta(seconds=settings.token_touch_interval_seconds),
    )
    # Every authenticated write honours Idempotency-Key: the key is claimed here, in the request's transaction.
    await claim_idempotency_key(request, principal)
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


async def principal_before_streamed_body(request: Request, principal: PrincipalDep) -> Principal:
    """For a route that reads a long body itself (an upload): authentication's connection goes back to the
    pool before the body is read, so a client that sends slowly holds no connection (on SQLite: not the one
    writer). The endpoint's later statements take a fresh connection for their short bookkeeping."""
    await current_transaction(request).release()
    return principal


StreamingPrincipalDep = Annotated[Principal, Depends(principal_before_streamed_body)]
