"""The web app's route class, its answers to failures, and the session and CSRF dependencies.

Every web route runs in the request's transaction (DialectRoute) and answers failures as pages: signed-out
visitors are sent to the sign-in page, another organization's object is "not found", and any other failure
is a short page (or, for an htmx request, a fragment the page shows where it asked).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from contactnotes.auth import sessions
from contactnotes.auth.sessions import SignedIn
from contactnotes.errors import Forbidden, Invalid
from contactnotes.http.deps import SessionDep, SettingsDep
from contactnotes.http.errors import DialectRoute, Failure
from contactnotes.http.inputs import NUL, NUL_MESSAGE
from contactnotes.http.transaction import READING, current_transaction
from contactnotes.settings import Settings

from .templates import render, templates

SESSION_COOKIE = "cn_session"
LOGIN_COOKIE = "cn_login"  # the signed-out visitor's CSRF secret (double submit), for the sign-in form only
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
CSRF_REFUSED = "This form has expired or did not come from this site; reload the page and try again"

# Scripts only from this origin and only with this answer's nonce: no inline script, no eval (htmx is
# configured with allowEval false). Styles likewise; images also from the signed file links.
CSP = (
    "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data: {files}; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def csp_nonce(request: Request) -> str:
    nonce: str = request.scope.get("state", {}).get("csp_nonce", "")
    return nonce


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def protect(request: Request, response: Response) -> Response:
    """What every web answer carries: its own CSP (the APIs' default is for the docs page), and no caching
    of pages that show an organization's data."""
    response.headers.setdefault("Cache-Control", "no-store")  # every web answer shows an organization's data
    if response.headers.get("content-type", "").startswith("text/html"):
        settings: Settings = request.app.state.settings
        response.headers["Content-Security-Policy"] = CSP.format(
            nonce=csp_nonce(request), files=_origin(settings.public_base_url)
        )
        # Same-origin requests name their page (the Origin check below needs it); other sites learn nothing.
        response.headers["Referrer-Policy"] = "same-origin"
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render_error(request: Request, failure: Failure) -> Response:
    if failure.status == 401:
        if is_htmx(request):  # htmx follows this header with a full page load
            return protect(request, Response(status_code=401, headers={"HX-Redirect": "/login"}))
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    title = {404: "Not found", 403: "Not allowed", 413: "Too large", 429: "Too many attempts"}.get(
        failure.status, "Something went wrong" if failure.status >= 500 else "That did not work"
    )
    message = "There is nothing here." if failure.status == 404 else failure.message
    if failure.status >= 500:
        message = "The server could not answer; try again in a moment."
    template = "error_fragment.html" if is_htmx(request) else "error.html"
    signed_in = getattr(request.state, "signed_in", None)
    response = templates.TemplateResponse(
        request,
        template,
        {"title": title, "message": message, "me": signed_in, "nonce": csp_nonce(request)},
        status_code=failure.status,
        headers=failure.headers,
    )
    return protect(request, response)


class WebRoute(DialectRoute):
    renderer = staticmethod(render_error)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_page_headers(request: Request) -> Response:
            return protect(request, await handler(request))

        return with_page_headers


def _trusted_origins(request: Request, settings: Settings) -> set[str]:
    own = f"{request.url.scheme}://{request.url.netloc}".lower()
    return {own, _origin(settings.public_base_url), *(o.rstrip("/").lower() for o in settings.web_trusted_origins)}


def check_origin(request: Request, settings: Settings) -> None:
    """A browser names the page an unsafe request came from; a page of another site is refused outright
    (the token check below would refuse it too: this is the second lock)."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if source and source != "null" and _origin(source) not in _trusted_origins(request, settings):
        raise Forbidden(CSRF_REFUSED)
    if source == "null":
        raise Forbidden(CSRF_REFUSED)


async def _presented_token(request: Request) -> str:
    token = request.headers.get(CSRF_HEADER)
    if token:
        return token
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form: FormData = await request.form()  # cached on the request: the endpoint reads the same form
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""  # multipart bodies are streamed: their token comes in the header


async def check_csrf(request: Request, settings: Settings, expected: str) -> None:
    check_origin(request, settings)
    presented = await _presented_token(request)
    if not presented or not expected or not hmac.compare_digest(presented.encode(), expected.encode()):
        raise Forbidden(CSRF_REFUSED)


async def web_user(request: Request, session: SessionDep, settings: SettingsDep) -> SignedIn:
    """The signed-in user of the session cookie; on an unsafe request, also the CSRF check."""
    signed_in = await sessions.resolve(session, request.cookies.get(SESSION_COOKIE))
    request.state.signed_in = signed_in
    if request.method not in READING:
        await check_csrf(request, settings, signed_in.csrf_token)
    return signed_in


Me = Annotated[SignedIn, Depends(web_user)]


async def web_user_before_streamed_body(request: Request, me: Me) -> SignedIn:
    """For a page route that reads a long body itself (a file): the session's connection goes back to the
    pool before the body is read, as for the APIs' uploads, so a slow client holds no connection."""
    await current_transaction(request).release()
    return me


StreamingMe = Annotated[SignedIn, Depends(web_user_before_streamed_body)]


def secure_cookies(request: Request, settings: Settings) -> bool:
    if settings.web_secure_cookies is not None:
        return settings.web_secure_cookies
    return request.url.scheme == "https"


def set_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int | None) -> None:
    settings: Settings = request.app.state.settings
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, settings),
    )


async def form_of(request: Request) -> FormData:
    """The request's form; a field holding a NUL character (no database stores one in text) is refused
    naming the field."""
    form = await request.form()
    for name, value in form.multi_items():
        if isinstance(value, str) and (NUL in value or NUL in name):
            field = name.replace(NUL, "")
            raise Invalid.field(field, f"{field} {NUL_MESSAGE}")
    return form


def page(request: Request, template: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    return render(request, template, {"nonce": csp_nonce(request), **context}, status_code=status_code)
