"""Bearer token to Principal: the same for every dialect (each renders the 401 in its own shape)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer

from contactnotes.auth import service as auth
from contactnotes.auth.principal import Principal
from contactnotes.http.deps import SessionDep, SettingsDep
from contactnotes.http.transaction import claim_idempotency_key, current_transaction

# Declares the scheme in OpenAPI; the header itself is checked by auth.authenticate for precise reasons.
bearer = HTTPBearer(auto_error=False, description="Bearer <token> from `contactnotes token create`")
# The other way to get a token: POST /Token (email and password). Its access tokens work on every route.
password_login = OAuth2PasswordBearer(
    tokenUrl="/Token",
    scheme_name="PasswordLogin",
    auto_error=False,
    description="Access token from POST /Token (grant_type=password), sent as Bearer <token>",
)


async def current_principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    _login: Annotated[str | None, Depends(password_login)],
) -> Principal:
    principal = await auth.authenticate(
        session,
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
