"""ASGI middleware that must see every request before FastAPI does."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contactnotes.http.errors import BodyTooSlow, PayloadTooLarge


class BodySizeLimit:
    """Refuse bodies over a limit without reading them whole: by Content-Length at once, else while streaming.

    The error is raised from receive(), inside the route, so the route's dialect renders the 413.
    Paths for which `limit_for` returns None (uploads) are streamed with their own limits.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int | None]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        if limit is None:
            # Read by the route itself, chunk by chunk; never held whole (so never hashed for idempotency).
            scope.setdefault("state", {})["streamed_body"] = True
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        too_large_declared = declared is not None and declared.isdigit() and int(declared) > limit
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            if too_large_declared:
                raise PayloadTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise PayloadTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)


def _has_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() not in {b"", b"0"}):
            return True
    return False


class BodyDeadline:
    """Bound how long a request body may take: after `grace` seconds it must keep an average of `min_rate`
    bytes a second, else the route answers 408 (raised from receive(), inside the route, like the 413).

    The clock starts when the app first asks for the body, so time spent waiting for the server is not
    counted against the client; once the body is complete, receive() is passed through untouched (a
    streaming answer listens on it for the client going away). With nothing else held while a body is
    read, this bounds what a slow client costs: a socket and a buffer, for a limited time.
    """

    def __init__(self, app: ASGIApp, *, grace: float, min_rate: int) -> None:
        self.app = app
        self.grace = grace
        self.min_rate = min_rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            # Nothing to wait for; a streaming answer (the event stream) may listen on receive() for hours.
            await self.app(scope, receive, send)
            return
        started: float | None = None
        received = 0
        complete = False

        async def paced_receive() -> Message:
            nonlocal started, received, complete
            if complete:
                return await receive()
            now = time.monotonic()
            if started is None:
                started = now
            remaining = started + self.grace + received / self.min_rate - now
            try:
                # asyncio.timeout, not wait_for: no inner task, so a message is never lost to a cancellation.
                async with asyncio.timeout(max(remaining, 0.0)):
                    message = await receive()
            except TimeoutError:
                raise BodyTooSlow(self.grace, self.min_rate) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
            else:
                complete = True  # http.disconnect: nothing more will come
            return message

        await self.app(scope, paced_receive, send)


CSP_HTML = (
    "default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class SecurityHeaders:
    """nosniff on every answer; a Content-Security-Policy and framing ban on every HTML page.

    An HTML page that needs an inline script puts the nonce from scope["state"]["csp_nonce"] on it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", CSP_HTML.format(nonce=nonce))
                    headers["X-Frame-Options"] = "DENY"
                    headers.setdefault("Referrer-Policy", "no-referrer")  # the web app says same-origin
            await send(message)

        await self.app(scope, receive, send_with_headers)
