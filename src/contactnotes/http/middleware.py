"""ASGI middleware that must see every request before FastAPI does."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contactnotes.http.errors import PayloadTooLarge


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
